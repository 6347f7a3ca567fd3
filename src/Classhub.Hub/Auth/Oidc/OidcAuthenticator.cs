using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Classhub.Core.Auth;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>
/// OpenID Connect authorization-code flow with PKCE (S256), state and nonce, against any provider with a discovery
/// document (Google Workspace, Microsoft Entra, Keycloak, Shibboleth's OP ...). The ID token is checked by
/// <see cref="IdTokenValidator"/>; claims missing from it are read from the userinfo endpoint (same subject only).
/// </summary>
internal sealed class OidcAuthenticator(OidcOptions options, OidcProvider provider, SignInHttp http, TimeProvider time) : IExternalAuthenticator
{
    public string Id => "oidc";

    public string ButtonText => options.ButtonText;

    public async Task<ExternalStart> BeginAsync(Uri callbackUrl, CancellationToken cancellationToken)
    {
        var (metadata, problem) = await provider.GetAsync(cancellationToken);
        if (metadata is null)
        {
            return ExternalStart.Failed(problem!);
        }

        var attempt = new ExternalAttempt(Base64Url.Random(), Base64Url.Random(), Base64Url.Random(48), callbackUrl);
        var query = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = callbackUrl.ToString(),
            ["scope"] = "openid profile email",
            ["state"] = attempt.State,
            ["nonce"] = attempt.Nonce,
            ["code_challenge"] = Base64Url.Challenge(attempt.CodeVerifier),
            ["code_challenge_method"] = "S256",
        };
        return ExternalStart.To(WithQuery(metadata.AuthorizationEndpoint, query), attempt);
    }

    public async Task<AuthOutcome> CompleteAsync(IReadOnlyDictionary<string, string> query, ExternalAttempt attempt, CancellationToken cancellationToken)
    {
        if (query.TryGetValue("error", out var error))
        {
            return AuthOutcome.Rejected($"the identity provider answered '{error}'{(query.TryGetValue("error_description", out var d) ? ": " + d : "")}");
        }

        if (!query.TryGetValue("code", out var code) || code.Length == 0)
        {
            return AuthOutcome.Rejected("the identity provider sent no authorization code");
        }

        // RFC 9207: a provider that names itself in the response must be ours (mix-up attacks).
        if (query.TryGetValue("iss", out var iss) && iss != options.Issuer)
        {
            return AuthOutcome.Rejected($"the sign-in response came from '{iss}', not the configured issuer");
        }

        var (metadata, problem) = await provider.GetAsync(cancellationToken);
        if (metadata is null)
        {
            return AuthOutcome.Rejected(problem!);
        }

        var (tokens, tokenProblem) = await RedeemAsync(metadata.TokenEndpoint, code, attempt, cancellationToken);
        if (tokens is null)
        {
            return AuthOutcome.Rejected(tokenProblem!);
        }

        return await CheckAsync(tokens.Value.IdToken, tokens.Value.AccessToken, attempt.Nonce, metadata, cancellationToken);
    }

    /// <summary>Validates an ID token (and reads user info with the access token) and maps it to a user name.</summary>
    internal async Task<AuthOutcome> CheckAsync(string idToken, string? accessToken, string nonce, OidcProvider.Metadata metadata, CancellationToken cancellationToken)
    {
        using var token = JsonWebToken.Parse(idToken);
        if (token is null)
        {
            return AuthOutcome.Rejected("the identity provider's ID token is not a signed JWT");
        }

        var keys = metadata.Keys;
        if (token.KeyId is { } kid && !keys.Candidates(kid, "RSA").Concat(keys.Candidates(kid, "EC")).Any())
        {
            keys = await provider.RefreshKeysAsync(cancellationToken) ?? keys;
        }

        if (IdTokenValidator.Problem(token, keys, options.Issuer, options.ClientId, nonce, time.GetUtcNow()) is { } invalid)
        {
            return AuthOutcome.Rejected(invalid);
        }

        var claims = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in token.Claims.EnumerateObject())
        {
            claims[p.Name] = p.Value.Clone();
        }

        var needsEmail = options.AllowedDomains.Count > 0 || options.UsernameClaim == "email";
        if ((!claims.ContainsKey(options.UsernameClaim) || (needsEmail && !claims.ContainsKey("email"))) && metadata.UserInfoEndpoint is { } userInfo && accessToken is not null)
        {
            if (await UserInfoAsync(userInfo, accessToken, JsonWebToken.Text(token.Claims, "sub")!, claims, cancellationToken) is { } userInfoProblem)
            {
                return AuthOutcome.Rejected(userInfoProblem);
            }
        }

        return Map(claims);
    }

    /// <summary>Claims → user name, and the allowed-domain rule on a verified address.</summary>
    private AuthOutcome Map(Dictionary<string, JsonElement> claims)
    {
        string? admittedBy = null;
        if (options.AllowedDomains.Count > 0 || options.UsernameClaim == "email")
        {
            var email = claims.TryGetValue("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
            var verified = claims.TryGetValue("email_verified", out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));
            if (email.Length == 0 || !verified)
            {
                return AuthOutcome.Rejected("the identity provider did not vouch for an e-mail address (email_verified is not true)");
            }

            var at = email.LastIndexOf('@');
            var domain = at < 0 ? "" : email[(at + 1)..].ToLowerInvariant();
            if (options.AllowedDomains.Count > 0)
            {
                if (!options.AllowedDomains.Contains(domain, StringComparer.Ordinal))
                {
                    return AuthOutcome.Rejected($"accounts from '{domain}' may not use this hub (allowed: {string.Join(", ", options.AllowedDomains)})");
                }

                admittedBy = $"verified e-mail domain {domain}";
            }
        }

        if (!claims.TryGetValue(options.UsernameClaim, out var raw) || raw.ValueKind != JsonValueKind.String || raw.GetString() is not { Length: > 0 } name)
        {
            return AuthOutcome.Rejected($"the identity provider sent no '{options.UsernameClaim}' claim to use as the user name (auth.oidc.username_claim)");
        }

        return AuthOutcome.Authenticated(name, admittedBy);
    }

    private async Task<((string IdToken, string? AccessToken)? Tokens, string? Problem)> RedeemAsync(Uri endpoint, string code, ExternalAttempt attempt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = attempt.CallbackUrl.ToString(),
                ["code_verifier"] = attempt.CodeVerifier,
            }),
        };

        // client_secret_basic (RFC 6749 §2.3.1: form-encode, then base64).
        var basic = Uri.EscapeDataString(options.ClientId) + ":" + Uri.EscapeDataString(options.ClientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        request.Headers.Accept.ParseAdd("application/json");
        try
        {
            using var response = await http.Client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var doc = JsonDocument.Parse(body);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"the identity provider refused the authorization code: {JsonWebToken.Text(doc.RootElement, "error") ?? $"HTTP {(int)response.StatusCode}"}");
            }

            return JsonWebToken.Text(doc.RootElement, "id_token") is { } idToken
                ? ((idToken, JsonWebToken.Text(doc.RootElement, "access_token")), null)
                : (null, "the identity provider's token response has no id_token (is the 'openid' scope allowed for this client?)");
        }
        catch (HttpRequestException e)
        {
            return (null, $"reaching the identity provider's token endpoint: {e.Message}");
        }
        catch (JsonException)
        {
            return (null, "the identity provider's token response is not JSON");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "the identity provider's token endpoint timed out");
        }
    }

    private async Task<string?> UserInfoAsync(Uri endpoint, string accessToken, string subject, Dictionary<string, JsonElement> claims, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json");
        try
        {
            using var response = await http.Client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return $"reading user info from the identity provider: HTTP {(int)response.StatusCode}";
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (JsonWebToken.Text(doc.RootElement, "sub") != subject)
            {
                return "the identity provider's user info is for another subject than the ID token";
            }

            foreach (var p in doc.RootElement.EnumerateObject())
            {
                claims.TryAdd(p.Name, p.Value.Clone());
            }

            return null;
        }
        catch (HttpRequestException e)
        {
            return $"reading user info from the identity provider: {e.Message}";
        }
        catch (JsonException)
        {
            return "the identity provider's user info is not JSON";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "the identity provider's user info endpoint timed out";
        }
    }

    internal static Uri WithQuery(Uri endpoint, IReadOnlyDictionary<string, string> query)
    {
        var text = string.Join("&", query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        var separator = endpoint.Query.Length > 0 ? "&" : "?";
        return new Uri(endpoint + separator + text);
    }
}
