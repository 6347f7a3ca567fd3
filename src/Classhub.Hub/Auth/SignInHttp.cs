namespace Classhub.Hub.Auth;

/// <summary>The HTTP client external authenticators use to reach their providers (discovery, keys, tokens, user info).</summary>
internal sealed class SignInHttp(HttpClient client)
{
    public HttpClient Client => client;

    public static SignInHttp Create() => new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(15),
        DefaultRequestHeaders = { { "User-Agent", "classhub" } },
    });
}
