using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A hub behind a reverse proxy (trusted_proxies = 127.0.0.1): the proxy's X-Forwarded-For tells people apart, so a
/// stranger's guesses do not lock out a user at another address, and neither a client nor an untrusted peer can
/// choose the address it is counted under.
/// </summary>
public sealed class TrustedProxySignInTests(TrustedProxySignInTests.ProxiedHubFixture fixture) : IClassFixture<TrustedProxySignInTests.ProxiedHubFixture>
{
    private const string Password = "behind the proxy";
    private const string AdminsAddress = "203.0.113.5";
    private const string StrangersAddress = "198.51.100.7";

    [Fact]
    public async Task StrangerBehindTheProxy_ClaimsTheAdminsAddressInXForwardedFor_OnlyTheirOwnAddressIsLimited()
    {
        var admin = await fixture.CreateUserAsync(Password, admin: true);

        // The stranger writes the admin's address into X-Forwarded-For themselves; the proxy appends the address it saw.
        using var stranger = new Browser(fixture.Hub.Url);
        stranger.Client.DefaultRequestHeaders.Add("X-Forwarded-For", $"{AdminsAddress}, {StrangersAddress}");
        var refused = await GuessAsync(stranger, admin, 30);
        Assert.True(refused >= 20, $"only {refused} of 30 guesses behind the proxy were refused");

        using var adminBrowser = new Browser(fixture.Hub.Url);
        adminBrowser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", AdminsAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await adminBrowser.SignInAsync(admin, Password)).StatusCode);
    }

    [Fact]
    public async Task UntrustedPeer_SendsXForwardedFor_ItIsIgnored()
    {
        var user = await fixture.CreateUserAsync(Password);
        const string claimed = "203.0.113.77";

        // 127.0.0.2 is not a trusted proxy: whatever it writes into X-Forwarded-For, it is counted as 127.0.0.2.
        using var spoofer = new Browser(fixture.Hub.Url, from: IPAddress.Parse("127.0.0.2"));
        spoofer.Client.DefaultRequestHeaders.Add("X-Forwarded-For", claimed);
        var refused = await GuessAsync(spoofer, user, 30);
        Assert.True(refused >= 20, $"only {refused} of 30 guesses were refused");

        using var real = new Browser(fixture.Hub.Url);
        real.Client.DefaultRequestHeaders.Add("X-Forwarded-For", claimed);
        Assert.Equal(HttpStatusCode.Redirect, (await real.SignInAsync(user, Password)).StatusCode);
    }

    private static async Task<int> GuessAsync(Browser browser, string user, int guesses)
    {
        await browser.GetAsync("/hub/login");
        var refused = 0;
        for (var i = 0; i < guesses; i++)
        {
            var (response, _) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = user, ["password"] = $"guess {i}", ["next"] = "/hub/home" });
            Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        return refused;
    }

    /// <summary>A hub configured to trust 127.0.0.1 as its reverse proxy.</summary>
    public sealed class ProxiedHubFixture : HubFixture
    {
        protected override async Task StartHubAsync(HubProcess hub)
        {
            var config = Path.Combine(hub.DataDir, "classhub.json");
            await File.WriteAllTextAsync(config, """{ "trusted_proxies": ["127.0.0.1"] }""");
            await hub.StartAsync("--config", config);
        }
    }
}
