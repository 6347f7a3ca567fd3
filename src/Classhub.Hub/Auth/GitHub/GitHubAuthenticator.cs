using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Classhub.Core.Auth;
using Classhub.Hub.Auth.Oidc;

namespace Classhub.Hub.Auth.GitHub;

/// <summary>
/// GitHub's OAuth (not OIDC: there is no ID token): authorization code with state and PKCE, then the user's login
/// from GET /user with the access token; with an organisation configured, the user's active membership of it (and
/// of the team) is checked with GET /user/memberships/orgs/{org} (and /orgs/{org}/teams/{team}/memberships/{login}).
/// The GitHub login becomes the hub user name, like the github_username column of a GitHub Classroom roster.
/// </summary>
internal sealed class GitHubAuthenticator(GitHubOptions options, SignInHttp http) : IExternalAuthenticator
{
    public string Id => "github";

    public string ButtonText => "Sign in with GitHub";

    public Task<ExternalStart> BeginAsync(Uri callbackUrl, CancellationToken cancellationToken)
    {
        var attempt = new ExternalAttempt(Base64Url.Random(), "", Base64Url.Random(48), callbackUrl);
        var query = new Dictionary<string, string>
        {
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = callbackUrl.ToString(),
            ["scope"] = options.Organization.Length > 0 ? "read:org" : "",
            ["state"] = attempt.State,
            ["allow_signup"] = "false",
            ["code_challenge"] = Base64Url.Challenge(attempt.CodeVerifier),
            ["code_challenge_method"] = "S256",
        };
        return Task.FromResult(ExternalStart.To(OidcAuthenticator.WithQuery(new Uri(options.WebUrl, "login/oauth/authorize"), query), attempt));
    }

    public async Task<AuthOutcome> CompleteAsync(IReadOnlyDictionary<string, string> query, ExternalAttempt attempt, CancellationToken cancellationToken)
    {
        if (query.TryGetValue("error", out var error))
        {
            return AuthOutcome.Rejected($"GitHub answered '{error}'{(query.TryGetValue("error_description", out var d) ? ": " + d : "")}");
        }

        if (!query.TryGetValue("code", out var code) || code.Length == 0)
        {
            return AuthOutcome.Rejected("GitHub sent no authorization code");
        }

        try
        {
            var accessToken = await RedeemAsync(code, attempt, cancellationToken);
            if (accessToken.Problem is not null)
            {
                return AuthOutcome.Rejected(accessToken.Problem);
            }

            var (status, user) = await GetAsync("user", accessToken.Token!, cancellationToken);
            using (user)
            {
                if (status != HttpStatusCode.OK || user is null || JsonWebToken.Text(user.RootElement, "login") is not { Length: > 0 } login)
                {
                    return AuthOutcome.Rejected($"reading your GitHub account failed (HTTP {(int)status})");
                }

                if (options.Organization.Length == 0)
                {
                    return AuthOutcome.Authenticated(login);
                }

                if (!await IsActiveAsync($"user/memberships/orgs/{Uri.EscapeDataString(options.Organization)}", accessToken.Token!, cancellationToken))
                {
                    return AuthOutcome.Rejected($"GitHub user '{login}' is not a member of the organisation '{options.Organization}' (or has not granted this hub read:org access to it)");
                }

                if (options.Team.Length > 0 && !await IsActiveAsync($"orgs/{Uri.EscapeDataString(options.Organization)}/teams/{Uri.EscapeDataString(options.Team)}/memberships/{Uri.EscapeDataString(login)}", accessToken.Token!, cancellationToken))
                {
                    return AuthOutcome.Rejected($"GitHub user '{login}' is not in the team '{options.Team}' of '{options.Organization}'");
                }

                return AuthOutcome.Authenticated(login, options.Team.Length > 0 ? $"GitHub team {options.Organization}/{options.Team}" : $"GitHub organisation {options.Organization}");
            }
        }
        catch (HttpRequestException e)
        {
            return AuthOutcome.Rejected($"reaching GitHub: {e.Message}");
        }
        catch (JsonException)
        {
            return AuthOutcome.Rejected("GitHub's answer is not JSON");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AuthOutcome.Rejected("GitHub did not answer in time");
        }
    }

    private async Task<(string? Token, string? Problem)> RedeemAsync(string code, ExternalAttempt attempt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.WebUrl, "login/oauth/access_token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = options.ClientId,
                ["client_secret"] = options.ClientSecret,
                ["code"] = code,
                ["redirect_uri"] = attempt.CallbackUrl.ToString(),
                ["code_verifier"] = attempt.CodeVerifier,
            }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.Client.SendAsync(request, cancellationToken);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));

        // GitHub reports a bad code as 200 with an "error" member.
        if (JsonWebToken.Text(doc.RootElement, "access_token") is { Length: > 0 } token)
        {
            return (token, null);
        }

        return (null, $"GitHub refused the authorization code: {JsonWebToken.Text(doc.RootElement, "error") ?? $"HTTP {(int)response.StatusCode}"}");
    }

    private async Task<bool> IsActiveAsync(string path, string token, CancellationToken cancellationToken)
    {
        var (status, doc) = await GetAsync(path, token, cancellationToken);
        using (doc)
        {
            return status == HttpStatusCode.OK && doc is not null && JsonWebToken.Text(doc.RootElement, "state") == "active";
        }
    }

    private async Task<(HttpStatusCode Status, JsonDocument? Body)> GetAsync(string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.ApiUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        using var response = await http.Client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }

        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)));
    }
}
