using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>
/// Campus sign-in end to end: the AOT hub configured for OIDC against a real provider (oidc-provider under node).
/// The login page shows the provider's button; alice (verified, allowed domain) gets a session and a new hub user;
/// mallory (other domain), eve (unverified address), and ID tokens made bad at the token endpoint (forged signature,
/// another audience, expired) get a clear refusal page and no session.
/// </summary>
[Collection("hub")]
public sealed class OidcSignInTests : IAsyncLifetime
{
    private HubProcess _hub = null!;
    private OidcProviderProcess _provider = null!;

    public async Task InitializeAsync()
    {
        _hub = HubProcess.Create();
        _provider = await OidcProviderProcess.StartAsync([OidcProviderProcess.Client("classhub", "e2e-oidc-secret", $"{_hub.Url}hub/oauth/oidc/callback")]);
        var secretFile = Path.Combine(_hub.DataDir, "oidc-secret");
        await File.WriteAllTextAsync(secretFile, "e2e-oidc-secret\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = Path.Combine(_hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "urls": "{{_hub.Url.ToString().TrimEnd('/')}}",
              "tls": { "mode": "off" },
              "auth": {
                "methods": ["local", "oidc"],
                "new_users": "create-allowed",
                "oidc": { "issuer": "{{_provider.Issuer}}", "client_id": "classhub", "client_secret_file": "{{secretFile}}", "allowed_domains": ["school.example"], "button": "Sign in with School ID" }
              }
            }
            """);
        await _hub.StartConfiguredAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _provider.DisposeAsync();
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task LoginPage_OidcAndLocal_ShowsProviderButtonAndPasswordForm()
    {
        using var browser = new Browser(_hub.Url);

        var (_, body) = await browser.GetAsync("/hub/login?next=/hub/home");

        Assert.Contains("href=\"/hub/oauth/oidc/start?next=%2Fhub%2Fhome\">Sign in with School ID</a>", body, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_VerifiedAddressInAllowedDomain_SessionAsNewHubUser()
    {
        await _provider.LoginAsAsync("alice");
        using var browser = new Browser(_hub.Url);

        var (last, body, hops) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/oidc/start?next=/hub/home"));

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Contains(hops, h => h.Port == _provider.Port && h.AbsolutePath == "/auth" && h.Query.Contains("code_challenge_method=S256", StringComparison.Ordinal) && h.Query.Contains("nonce=", StringComparison.Ordinal));
        Assert.Equal("/hub/home", hops[^1].AbsolutePath);
        Assert.Contains("alice", body, StringComparison.Ordinal);
        Assert.NotNull(browser.Cookie("classhub-session"));
        Assert.True(await HubLog.ContainsAsync(_hub, "created hub user alice on first sign-in (oidc; admitted by verified e-mail domain school.example)"), _hub.Output);
        Assert.DoesNotContain("e2e-oidc-secret", _hub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_AddressInAnotherDomain_RefusalPageNoSession()
    {
        await _provider.LoginAsAsync("mallory");
        using var browser = new Browser(_hub.Url);

        var (last, body, _) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/oidc/start"));

        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
        Assert.Contains("Sign-in failed: accounts from &#x27;other.example&#x27; may not use this hub", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));
        Assert.DoesNotContain("mallory", (await _hub.CliAsync("user", "list")).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("signature", "the ID token&#x27;s signature does not verify with the provider&#x27;s published keys")]
    [InlineData("audience", "the ID token is for another client (someone-else), not &#x27;classhub&#x27;")]
    [InlineData("expired", "the ID token expired at")]
    public async Task SignIn_BadIdTokenFromTokenEndpoint_RefusalPageNoSession(string tamper, string message)
    {
        await _provider.LoginAsAsync("alice");
        await _provider.TamperNextIdTokenAsync(tamper);
        using var browser = new Browser(_hub.Url);

        var (last, body, _) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/oidc/start"));

        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
        Assert.Contains("<h1>Sign-in failed</h1>", body, StringComparison.Ordinal);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));
    }

    [Fact]
    public async Task SignIn_UnverifiedAddress_RefusalPageNoSession()
    {
        await _provider.LoginAsAsync("eve");
        using var browser = new Browser(_hub.Url);

        var (last, body, _) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/oidc/start"));

        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
        Assert.Contains("email_verified is not true", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));
    }

    [Fact]
    public async Task Callback_StateNotStartedInThisBrowser_RefusedNoSession()
    {
        await _provider.LoginAsAsync("alice");
        using var victim = new Browser(_hub.Url);
        using var attacker = new Browser(_hub.Url);

        // The attacker completes the provider part and hands the callback URL (their code and state) to the victim.
        var (_, _, hops) = await Redirects.FollowAsync(attacker.Client, new Uri(_hub.Url, "/hub/oauth/oidc/start"), $"{_hub.Url}hub/oauth/oidc/callback");
        var (response, body) = await victim.GetAsync(hops[^1].PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("started in another browser", body, StringComparison.Ordinal);
        Assert.Null(victim.Cookie("classhub-session"));
    }
}
