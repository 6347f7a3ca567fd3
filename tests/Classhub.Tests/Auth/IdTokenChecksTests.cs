using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Classhub.Core.Auth;
using Classhub.Hub.Auth;
using Classhub.Hub.Auth.Oidc;

namespace Classhub.Auth.Tests;

/// <summary>
/// The hub's OIDC checks against tokens from a real provider (oidc-provider under node): a good token passes, and a
/// forged signature, a changed payload, a token for another client, an expired token, a wrong nonce, "alg: none",
/// an unverified address and a disallowed domain are all refused.
/// </summary>
public sealed class IdTokenChecksTests : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:9/hub/oauth/oidc/callback";
    private OidcProviderProcess _provider = null!;

    public async Task InitializeAsync() =>
        _provider = await OidcProviderProcess.StartAsync([
            OidcProviderProcess.Client("classhub", "hub-secret", Callback),
            OidcProviderProcess.Client("classhub-ec", "ec-secret", Callback, "ES256"),
            OidcProviderProcess.Client("other-app", "other-secret", Callback),
        ]);

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task CompleteAsync_RealCodeFlowWithPkce_AuthenticatesAliceAdmittedByDomain()
    {
        var (authenticator, _) = Make();
        var (query, attempt) = await AuthorizeAsync(authenticator, "alice");

        var outcome = await authenticator.CompleteAsync(query, attempt, default);

        Assert.True(outcome.Succeeded, outcome.RejectionReason);
        Assert.Equal("alice", outcome.UserName);
        Assert.Equal("verified e-mail domain school.example", outcome.AdmittedBy);
    }

    [Fact]
    public async Task CompleteAsync_Es256SignedToken_Authenticates()
    {
        var (authenticator, _) = Make(clientId: "classhub-ec", secret: "ec-secret");
        var (query, attempt) = await AuthorizeAsync(authenticator, "alice");

        var outcome = await authenticator.CompleteAsync(query, attempt, default);

        Assert.True(outcome.Succeeded, outcome.RejectionReason);
    }

    [Fact]
    public async Task CompleteAsync_WrongClientSecret_Refused()
    {
        var (authenticator, _) = Make(secret: "not-the-secret");
        var (query, attempt) = await AuthorizeAsync(authenticator, "alice");

        var outcome = await authenticator.CompleteAsync(query, attempt, default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("refused the authorization code", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_CodeRedeemedWithAnotherPkceVerifier_Refused()
    {
        var (authenticator, _) = Make();
        var (query, attempt) = await AuthorizeAsync(authenticator, "alice");

        var outcome = await authenticator.CompleteAsync(query, attempt with { CodeVerifier = Base64Url.Random(48) }, default);

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public async Task CheckAsync_ForgedSignatureWithKeyNotInJwks_Refused()
    {
        var (authenticator, provider) = Make();
        var (idToken, access, nonce) = await TokensAsync("classhub", "hub-secret", "alice");
        var parts = idToken.Split('.');
        using var attacker = RSA.Create(2048);
        var signature = attacker.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var forged = parts[0] + "." + parts[1] + "." + Base64Url.Encode(signature);

        var outcome = await authenticator.CheckAsync(forged, access, nonce, await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("signature does not verify", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_PayloadChangedAfterSigning_Refused()
    {
        var (authenticator, provider) = Make();
        var (idToken, access, nonce) = await TokensAsync("classhub", "hub-secret", "alice");
        var parts = idToken.Split('.');
        var claims = JsonNode.Parse(Base64Url.Decode(parts[1]))!.AsObject();
        claims["preferred_username"] = "teacher";
        var changed = parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];

        var outcome = await authenticator.CheckAsync(changed, access, nonce, await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("signature does not verify", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_AlgNone_Refused()
    {
        var (authenticator, provider) = Make();
        var (idToken, access, nonce) = await TokensAsync("classhub", "hub-secret", "alice");
        var header = Base64Url.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"none\"}"));
        var unsigned = header + "." + idToken.Split('.')[1] + ".";

        var outcome = await authenticator.CheckAsync(unsigned, access, nonce, await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public async Task CheckAsync_TokenIssuedForAnotherClient_RefusedForWrongAudience()
    {
        var (authenticator, provider) = Make();
        var (idToken, access, nonce) = await TokensAsync("other-app", "other-secret", "alice");

        var outcome = await authenticator.CheckAsync(idToken, access, nonce, await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("is for another client (other-app), not 'classhub'", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_TokenPastItsExpiry_RefusedAsExpired()
    {
        var (authenticator, provider) = Make(time: new LaterClock(TimeSpan.FromHours(2)));
        var (idToken, access, nonce) = await TokensAsync("classhub", "hub-secret", "alice");

        var outcome = await authenticator.CheckAsync(idToken, access, nonce, await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("the ID token expired at", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_NonceOfAnotherSignIn_Refused()
    {
        var (authenticator, provider) = Make();
        var (idToken, access, _) = await TokensAsync("classhub", "hub-secret", "alice");

        var outcome = await authenticator.CheckAsync(idToken, access, Base64Url.Random(), await MetadataAsync(provider), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("nonce", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_VerifiedAddressInOtherDomain_RefusedNamingTheDomain()
    {
        var (authenticator, _) = Make();
        var (query, attempt) = await AuthorizeAsync(authenticator, "mallory");

        var outcome = await authenticator.CompleteAsync(query, attempt, default);

        Assert.False(outcome.Succeeded);
        Assert.Equal("accounts from 'other.example' may not use this hub (allowed: school.example)", outcome.RejectionReason);
    }

    [Fact]
    public async Task CompleteAsync_AllowedDomainButUnverifiedAddress_Refused()
    {
        var (authenticator, _) = Make();
        var (query, attempt) = await AuthorizeAsync(authenticator, "eve");

        var outcome = await authenticator.CompleteAsync(query, attempt, default);

        Assert.False(outcome.Succeeded);
        Assert.Contains("email_verified is not true", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginAsync_IssuerNotMatchingDiscovery_FailsWithFix()
    {
        var (authenticator, _) = Make(issuer: _provider.Issuer + "/");

        var start = await authenticator.BeginAsync(new Uri(Callback), default);

        Assert.Null(start.RedirectTo);
        Assert.Contains("fix auth.oidc.issuer", start.Problem, StringComparison.Ordinal);
    }

    private (OidcAuthenticator Authenticator, OidcProvider Provider) Make(string clientId = "classhub", string secret = "hub-secret", TimeProvider? time = null, string? issuer = null)
    {
        var options = new OidcOptions { Issuer = issuer ?? _provider.Issuer, ClientId = clientId, ClientSecret = secret, AllowedDomains = ["school.example"] };
        var http = SignInHttp.Create();
        var clock = time ?? TimeProvider.System;
        var provider = new OidcProvider(options, http, clock);
        return (new OidcAuthenticator(options, provider, http, clock), provider);
    }

    private static async Task<OidcProvider.Metadata> MetadataAsync(OidcProvider provider) =>
        (await provider.GetAsync(default)).Metadata ?? throw new InvalidOperationException("no discovery");

    /// <summary>Runs the browser part of the code flow at the real provider; returns the callback's query.</summary>
    private async Task<(Dictionary<string, string> Query, ExternalAttempt Attempt)> AuthorizeAsync(OidcAuthenticator authenticator, string account)
    {
        await _provider.LoginAsAsync(account);
        var start = await authenticator.BeginAsync(new Uri(Callback), default);
        Assert.True(start.RedirectTo is not null, start.Problem);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseProxy = false });
        var (_, body, hops) = await Redirects.FollowAsync(browser, start.RedirectTo!, Callback);
        Assert.True(hops[^1].ToString().StartsWith(Callback, StringComparison.Ordinal), $"the provider did not redirect back: {body}\n{_provider.Output}");
        var query = Redirects.Query(hops[^1]);
        Assert.Equal(start.Attempt!.State, query["state"]);
        return (query, start.Attempt!);
    }

    /// <summary>A real ID token (and access token) for <paramref name="clientId"/>, redeemed by the test itself.</summary>
    private async Task<(string IdToken, string AccessToken, string Nonce)> TokensAsync(string clientId, string secret, string account)
    {
        var (authenticator, provider) = Make(clientId, secret);
        var (query, attempt) = await AuthorizeAsync(authenticator, account);
        var metadata = await MetadataAsync(provider);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, metadata.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = query["code"],
                ["redirect_uri"] = Callback,
                ["code_verifier"] = attempt.CodeVerifier,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await client.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return (json.GetProperty("id_token").GetString()!, json.GetProperty("access_token").GetString()!, attempt.Nonce);
    }

    /// <summary>The clock <paramref name="ahead"/> later than now (for expiry).</summary>
    private sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
