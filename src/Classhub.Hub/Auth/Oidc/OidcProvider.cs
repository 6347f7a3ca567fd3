using System.Text.Json;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>
/// The provider's discovery document and JWK Set, fetched on first use and kept for an hour; the key set is fetched
/// again (at most once a minute) when a token names a key id we have not seen, so key rotation just works.
/// </summary>
internal sealed class OidcProvider(OidcOptions options, SignInHttp http, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _lock = new(1);
    private Metadata? _metadata;
    private DateTimeOffset _fetched;
    private DateTimeOffset _keysFetched;

    public async Task<(Metadata? Metadata, string? Problem)> GetAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_metadata is not null && time.GetUtcNow() - _fetched < Keep)
            {
                return (_metadata, null);
            }

            var url = options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
            var (json, problem) = await GetJsonAsync(url, cancellationToken);
            if (json is null)
            {
                return (null, $"reading the provider's discovery document {url}: {problem}");
            }

            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var issuer = JsonWebToken.Text(root, "issuer");
            if (issuer != options.Issuer)
            {
                return (null, $"the discovery document at {url} names issuer '{issuer}', not the configured '{options.Issuer}' (fix auth.oidc.issuer)");
            }

            if (JsonWebToken.Text(root, "authorization_endpoint") is not { } authorize || JsonWebToken.Text(root, "token_endpoint") is not { } token || JsonWebToken.Text(root, "jwks_uri") is not { } jwks)
            {
                return (null, $"the discovery document at {url} lacks authorization_endpoint, token_endpoint or jwks_uri");
            }

            var (keysJson, keysProblem) = await GetJsonAsync(jwks, cancellationToken);
            if (keysJson is null)
            {
                return (null, $"reading the provider's keys {jwks}: {keysProblem}");
            }

            _metadata = new Metadata(new Uri(authorize), new Uri(token), new Uri(jwks), JsonWebToken.Text(root, "userinfo_endpoint") is { } ui ? new Uri(ui) : null, JsonWebKeys.Parse(keysJson));
            _fetched = _keysFetched = time.GetUtcNow();
            return (_metadata, null);
        }
        catch (JsonException e)
        {
            return (null, $"the provider's discovery document or keys are not JSON ({e.Message})");
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Fetches the key set again when a token names an unknown key (rotation); at most once a minute.</summary>
    public async Task<JsonWebKeys?> RefreshKeysAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_metadata is null || time.GetUtcNow() - _keysFetched < TimeSpan.FromMinutes(1))
            {
                return null;
            }

            _keysFetched = time.GetUtcNow();
            var (json, _) = await GetJsonAsync(_metadata.JwksUri.ToString(), cancellationToken);
            if (json is null)
            {
                return null;
            }

            _metadata = _metadata with { Keys = JsonWebKeys.Parse(json) };
            return _metadata.Keys;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<(string? Json, string? Problem)> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.Client.GetAsync(new Uri(url), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? (body, null) : (null, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    public void Dispose() => _lock.Dispose();

    internal sealed record Metadata(Uri AuthorizationEndpoint, Uri TokenEndpoint, Uri JwksUri, Uri? UserInfoEndpoint, JsonWebKeys Keys);
}
