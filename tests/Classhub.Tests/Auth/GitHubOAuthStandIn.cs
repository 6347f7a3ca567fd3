using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Classhub.Auth.Tests;

/// <summary>
/// A small local STAND-IN for GitHub (there is no internet here), speaking the parts of GitHub's OAuth app flow the
/// hub uses: GET /login/oauth/authorize (signs in <see cref="NextLogin"/> at once and redirects back with a code),
/// POST /login/oauth/access_token (checks client secret, redirect URI and PKCE; errors as 200 + "error", like
/// GitHub), and, under /api/v3 (GitHub Enterprise Server's layout), GET /user and GET /user/memberships/orgs/{org}.
/// It is not GitHub; it records what the hub sent so tests can check it.
/// </summary>
public sealed class GitHubOAuthStandIn : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (string Login, string RedirectUri, string Challenge)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private WebApplication _app = null!;

    private GitHubOAuthStandIn(string clientId, string clientSecret)
    {
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public Uri Url { get; private set; } = null!;

    public Uri ApiUrl => new(Url, "/api/v3");

    public string NextLogin { get; set; } = "octocat";

    /// <summary>Organisation → members (GitHub logins).</summary>
    public Dictionary<string, HashSet<string>> Organizations { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<string> AuthorizeQueries { get; } = new();

    public static async Task<GitHubOAuthStandIn> StartAsync(string clientId, string clientSecret)
    {
        var standIn = new GitHubOAuthStandIn(clientId, clientSecret);
        var port = Classhub.EndToEnd.Tests.HubProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/login/oauth/authorize", standIn.Authorize);
        app.MapPost("/login/oauth/access_token", standIn.AccessToken);
        app.MapGet("/api/v3/user", standIn.User);
        app.MapGet("/api/v3/user/memberships/orgs/{org}", standIn.Membership);
        await app.StartAsync();
        standIn._app = app;
        standIn.Url = new Uri($"http://127.0.0.1:{port}");
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task Authorize(HttpContext context)
    {
        var q = context.Request.Query;
        AuthorizeQueries.Enqueue(context.Request.QueryString.Value ?? "");
        if (q["client_id"] != ClientId || string.IsNullOrEmpty(q["redirect_uri"]) || string.IsNullOrEmpty(q["state"]))
        {
            context.Response.StatusCode = 400;
            return context.Response.WriteAsync("bad authorize request");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
        _codes[code] = (NextLogin, q["redirect_uri"]!, q["code_challenge"].ToString());
        context.Response.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}");
        return Task.CompletedTask;
    }

    private async Task AccessToken(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        string? error = null;
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            error = "incorrect_client_credentials";
        }
        else if (!_codes.TryRemove(form["code"].ToString(), out var grant))
        {
            error = "bad_verification_code";
        }
        else if (grant.RedirectUri != form["redirect_uri"])
        {
            error = "redirect_uri_mismatch";
        }
        else if (grant.Challenge.Length > 0 && Challenge(form["code_verifier"].ToString()) != grant.Challenge)
        {
            error = "bad_verification_code";
        }
        else
        {
            var token = "gho_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            _tokens[token] = grant.Login;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["access_token"] = token, ["token_type"] = "bearer", ["scope"] = "read:org" });
            return;
        }

        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error });
    }

    private Task User(HttpContext context)
    {
        if (LoginOf(context) is not { } login)
        {
            context.Response.StatusCode = 401;
            return context.Response.WriteAsync("{\"message\":\"Requires authentication\"}");
        }

        return context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["login"] = login, ["id"] = Math.Abs(login.GetHashCode(StringComparison.Ordinal)), ["type"] = "User" });
    }

    private Task Membership(HttpContext context)
    {
        var org = (string)context.Request.RouteValues["org"]!;
        if (LoginOf(context) is not { } login)
        {
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        }

        if (!Organizations.TryGetValue(org, out var members) || !members.Contains(login))
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("{\"message\":\"Not Found\"}");
        }

        return context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["state"] = "active", ["role"] = "member", ["organization"] = new Dictionary<string, string> { ["login"] = org } });
    }

    private string? LoginOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.TryGetValue(header["Bearer ".Length..], out var login) ? login : null;
    }

    private static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
