using System.Diagnostics;
using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>
/// PAM sign-in end to end, as root: a real Unix user made with useradd and chpasswd signs in through the hub's
/// login form (the AOT binary, auth.methods ["pam"], PAM service "login"); a wrong password and a locked account
/// get the same message and no session.
/// </summary>
[Collection("hub")]
public sealed class PamSignInTests : IAsyncLifetime
{
    private const string Password = "Tr0ub4dor&3 pam";
    private readonly string _user = UnixUsers.NewName("pam");
    private readonly string _locked = UnixUsers.NewName("pam");
    private readonly string _unlisted = UnixUsers.NewName("pam");
    private readonly string _admin = UnixUsers.NewName("pam");
    private HubProcess _hub = null!;

    public async Task InitializeAsync()
    {
        foreach (var name in new[] { _user, _locked, _unlisted, _admin })
        {
            Assert.Equal(0, await RunAsync(null, "useradd", "--create-home", "--shell", "/bin/sh", name));
            Assert.Equal(0, await RunAsync($"{name}:{Password}\n", "chpasswd"));
        }

        Assert.Equal(0, await RunAsync(null, "usermod", "-L", _locked));
        Assert.Equal(0, await RunAsync(null, "usermod", "-aG", "sudo", _admin));
        _hub = HubProcess.Create();
        var config = Path.Combine(_hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "urls": "{{_hub.Url.ToString().TrimEnd('/')}}",
              "tls": { "mode": "off" },
              "auth": { "methods": ["pam"], "pam": { "service": "login" }, "new_users": "create-allowed", "allowed_users": ["{{_user}}", "{{_locked}}", "{{_admin}}"] }
            }
            """);
        await _hub.StartConfiguredAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await UnixUsers.RemoveAsync([_user, _locked, _unlisted, _admin]);
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task SignIn_UnixPasswordThroughPam_SessionAndHubUserCreatedFromAllowList()
    {
        using var browser = new Browser(_hub.Url);

        var response = await browser.SignInAsync(_user, Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(browser.Cookie("classhub-session"));
        var (home, body) = await browser.GetAsync("/hub/home");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(_user, body, StringComparison.Ordinal);
        Assert.True(await HubLog.ContainsAsync(_hub, $"created hub user {_user} on first sign-in (pam; admitted by auth.allowed_users)"), _hub.Output);
    }

    [Fact]
    public async Task SignIn_WrongPasswordLockedAccountOrNulInPassword_SameMessageNoSession()
    {
        using var wrong = new Browser(_hub.Url);
        using var locked = new Browser(_hub.Url);

        using var truncated = new Browser(_hub.Url);
        var truncatedResponse = await truncated.SignInAsync(_user, Password + "\0anything");
        Assert.NotEqual(HttpStatusCode.Redirect, truncatedResponse.StatusCode);
        Assert.Null(truncated.Cookie("classhub-session"));

        var wrongResponse = await wrong.SignInAsync(_user, Password + "x");
        var wrongBody = await wrongResponse.Content.ReadAsStringAsync();
        var lockedResponse = await locked.SignInAsync(_locked, Password);
        var lockedBody = await lockedResponse.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, lockedResponse.StatusCode);
        Assert.Contains("Invalid user name or password.", wrongBody, StringComparison.Ordinal);
        Assert.Contains("Invalid user name or password.", lockedBody, StringComparison.Ordinal);
        Assert.Null(wrong.Cookie("classhub-session"));
        Assert.Null(locked.Cookie("classhub-session"));
        Assert.DoesNotContain(Password, _hub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_RightUnixPasswordButNotAllowed_Refused()
    {
        using var browser = new Browser(_hub.Url);

        var response = await browser.SignInAsync(_unlisted, Password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(browser.Cookie("classhub-session"));
        var users = await _hub.CliAsync("user", "list");
        Assert.DoesNotContain(_unlisted, users.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_AdministratorWithTheirOwnUnixPassword_SignsInButNoServerEverRunsAsThem()
    {
        using var browser = new Browser(_hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(_admin, Password)).StatusCode);
        await browser.GetAsync("/hub/home");

        await browser.PostFormAsync($"/hub/spawn/{_admin}", new Dictionary<string, string>());
        var body = "";
        var ran = false;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !ran && !body.Contains("data-failed=\"true\"", StringComparison.Ordinal))
        {
            await Task.Delay(250);
            (var pending, body) = await browser.GetAsync($"/hub/spawn-pending/{_admin}");
            ran = pending.StatusCode == HttpStatusCode.Redirect;
        }

        Assert.False(ran, $"a server ran as {_admin}, a member of sudo");
        Assert.Contains("data-failed=\"true\"", body, StringComparison.Ordinal);
        Assert.Contains("member of group sudo", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", _admin));
    }

    private static async Task<int> RunAsync(string? stdin, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        await p.StandardOutput.ReadToEndAsync();
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
