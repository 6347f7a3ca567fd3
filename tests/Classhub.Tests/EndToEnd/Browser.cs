using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// A browser-like HTTP client: its own cookie jar, reads the CSRF token from the last page, posts forms. It
/// follows no redirects by itself, so tests can see each hop.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _client;

    /// <param name="hub">Where the hub is.</param>
    /// <param name="trustAnyCertificate">For a hub serving its own self-signed certificate.</param>
    /// <param name="from">The loopback address to connect from (127.0.0.0/8 all reach lo), so tests can be several client addresses.</param>
    public Browser(Uri hub, bool trustAnyCertificate = false, IPAddress? from = null)
    {
        Hub = hub;
        TrustAnyCertificate = trustAnyCertificate;
        Cookies = new CookieContainer();
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseProxy = false };
        if (trustAnyCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        _client = new HttpClient(handler) { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(60) };
    }

    public bool TrustAnyCertificate { get; }

    public Uri Hub { get; }

    public CookieContainer Cookies { get; }

    public string? LastCsrf { get; private set; }

    public HttpClient Client => _client;

    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path)
    {
        var response = await _client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Remember(body);
        return (response, body);
    }

    /// <summary>GETs and follows redirects (like a browser), returning the final response.</summary>
    public async Task<(HttpResponseMessage Response, string Body, string FinalPath)> FollowAsync(string path, int maxHops = 10)
    {
        var current = path;
        for (var hop = 0; hop < maxHops; hop++)
        {
            var (response, body) = await GetAsync(current);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                current = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
                continue;
            }

            return (response, body, current);
        }

        throw new InvalidOperationException($"too many redirects from {path}");
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostFormAsync(string path, IDictionary<string, string> fields, bool withCsrf = true)
    {
        var values = new Dictionary<string, string>(fields);
        if (withCsrf && LastCsrf is not null)
        {
            values["_csrf"] = LastCsrf;
        }

        var response = await _client.PostAsync(path, new FormUrlEncodedContent(values));
        var body = await response.Content.ReadAsStringAsync();
        Remember(body);
        return (response, body);
    }

    /// <summary>Posts a multipart form (a file upload) with the page's CSRF token.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> PostFileAsync(string path, IDictionary<string, string> fields, string fileField, string fileName, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        if (LastCsrf is not null)
        {
            form.Add(new StringContent(LastCsrf), "_csrf");
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new ByteArrayContent(content), fileField, fileName);
        var response = await _client.PostAsync(path, form);
        var body = await response.Content.ReadAsStringAsync();
        Remember(body);
        return (response, body);
    }

    /// <summary>Signs in through the login form; returns the POST's response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string user, string password)
    {
        await GetAsync("/hub/login");
        var (response, _) = await PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = user, ["password"] = password, ["next"] = "/hub/home" });
        return response;
    }

    public string? Cookie(string name, string path = "/") =>
        Cookies.GetCookies(new Uri(Hub, path)).FirstOrDefault(c => c.Name == name)?.Value;

    public void Dispose() => _client.Dispose();

    private void Remember(string body)
    {
        var match = CsrfField().Match(body);
        if (match.Success)
        {
            LastCsrf = match.Groups[1].Value;
        }
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([0-9a-f]{64})\"")]
    private static partial Regex CsrfField();
}
