namespace Classhub.Hub.Auth.Tests;

public sealed class SignInDevicesTests
{
    private readonly SignInDevices _devices = new();

    [Fact]
    public void DeviceOf_CookieIssuedForTheName_TheBrowsersId()
    {
        var cookie = _devices.Issue("teacher");

        Assert.Equal(cookie.Split('.')[0], _devices.DeviceOf(cookie, "teacher"));
    }

    [Fact]
    public void DeviceOf_CookieIssuedForAnotherName_Null()
    {
        var cookie = _devices.Issue("student");

        Assert.Null(_devices.DeviceOf(cookie, "teacher"));
    }

    [Fact]
    public void DeviceOf_CookieFromAnotherHubProcess_Null()
    {
        Assert.Null(new SignInDevices().DeviceOf(_devices.Issue("teacher"), "teacher"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".")]
    [InlineData("a.b.c")]
    [InlineData("forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void DeviceOf_MissingMalformedOrForged_Null(string? cookie)
    {
        Assert.Null(_devices.DeviceOf(cookie, "teacher"));
    }

    [Fact]
    public void DeviceOf_IdChanged_Null()
    {
        var (id, mac) = (_devices.Issue("teacher").Split('.')[0], _devices.Issue("teacher").Split('.')[1]);

        Assert.Null(_devices.DeviceOf(id + "." + mac, "teacher"));
    }
}
