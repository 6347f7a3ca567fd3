using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tls.Tests;

/// <summary>
/// A hub serving HTTPS (its own self-signed certificate), as students reach it: sign in, start a real
/// jupyterhub-singleuser, run code in a kernel over the proxied WebSocket on TLS (wss, HTTP/1.1, handed off from
/// Kestrel's HTTP layer inside TLS).
/// </summary>
[Collection("hub")]
public sealed class SecureWebSocketTests(SecureWebSocketTests.HttpsHubFixture fixture) : IClassFixture<SecureWebSocketTests.HttpsHubFixture>
{
    private const string Password = "correct horse";

    [Fact]
    public async Task OverHttps_KernelRunsCodeOverProxiedSecureWebSocket()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.HttpsUrl, trustAnyCertificate: true);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user, Password)).StatusCode);

        var (spawn, _) = await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string> { ["next"] = $"/user/{user}/tree" });
        Assert.Equal(HttpStatusCode.Redirect, spawn.StatusCode);
        var finalPath = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); finalPath != $"/user/{user}/tree" && DateTime.UtcNow < deadline; await Task.Delay(300))
        {
            (_, _, finalPath) = await browser.FollowAsync($"/hub/spawn-pending/{user}?next=/user/{user}/tree");
        }

        var kernel = await JupyterKernel.StartAsync(browser, user);
        var printed = await JupyterKernel.ExecuteAsync(browser, user, kernel, "print(6*7)");

        Assert.Equal($"/user/{user}/tree", finalPath);
        Assert.Equal("42\n", printed);
    }

    /// <summary>The hub with <c>tls.mode</c> "self-signed" on an HTTPS port of its own; health is polled on the internal URL.</summary>
    public sealed class HttpsHubFixture : HubFixture
    {
        public Uri HttpsUrl { get; private set; } = null!;

        protected override async Task StartHubAsync(HubProcess hub)
        {
            var httpsPort = HubProcess.FreePort();
            HttpsUrl = new Uri($"https://127.0.0.1:{httpsPort}");
            var config = Path.Combine(hub.DataDir, "classhub.json");
            await File.WriteAllTextAsync(config, $$"""
                {
                  "tls": { "mode": "self-signed" },
                  "listen": { "http": "127.0.0.1:{{HubProcess.FreePort()}}", "https": "127.0.0.1:{{httpsPort}}" },
                  "hub": { "internal_url": "{{hub.Url.ToString().TrimEnd('/')}}" },
                }
                """);
            await hub.StartConfiguredAsync(config);
        }
    }
}
