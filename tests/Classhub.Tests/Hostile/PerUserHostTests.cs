using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;
using Classhub.InBrowser.Tests;
using Microsoft.Playwright;

namespace Classhub.Tests.Hostile;

/// <summary>
/// One host per user (user_servers.host "{user}.localhost": chromium resolves every *.localhost name to this machine, as
/// wildcard DNS would): a student works in their real Jupyter server on their own origin, kernel WebSocket included, and
/// a host never serves anyone else's server.
/// </summary>
[Collection("hub")]
public sealed class PerUserHostTests(PerUserHostTests.Hub hub, Chromium chromium) : IClassFixture<PerUserHostTests.Hub>, IClassFixture<Chromium>
{
    private const string Password = "student password";

    [Fact]
    public async Task Student_OpensServerOnTheirOwnHost_RunsACell()
    {
        var student = await hub.CreateUserAsync(Password);
        await using var context = await chromium.Browser.NewContextAsync(Screen.Desktop.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Text);
        await page.GotoAsync("/hub/login");
        await page.GetByLabel("User name").FillAsync(student);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/hub/home");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start my server" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"^http://{student}\\.localhost:{hub.Hub.Port}/user/{student}/tree"), new() { Timeout = 90_000 });
        var notebook = await page.EvaluateAsync<string>("""
            async (user) => {
              const xsrf = document.cookie.split('; ').find(c => c.startsWith('_xsrf=')).substring(6);
              const r = await fetch(`/user/${user}/api/contents`, { method: 'POST', headers: { 'X-XSRFToken': xsrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'notebook' }) });
              return (await r.json()).path;
            }
            """, student);
        await page.GotoAsync($"http://{student}.localhost:{hub.Hub.Port}/user/{student}/notebooks/{notebook}");
        // A cell run before the kernel is ready is dropped ("kernel is not set"): wait for it over the proxied WebSocket.
        await Assertions.Expect(page.Locator("#kernel_indicator_icon.kernel_idle_icon")).ToBeAttachedAsync(new() { Timeout = 60_000 });
        await page.Locator("#notebook-container .cell .CodeMirror").First.ClickAsync(new() { Timeout = 60_000 });
        await page.Keyboard.TypeAsync("print(6*7)");
        await page.Keyboard.PressAsync("Shift+Enter");

        try
        {
            await Assertions.Expect(page.Locator(".output_area pre").First).ToHaveTextAsync("42", new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"{e.Message}\nconsole: {string.Join("\n", console)}\nhub: {hub.Hub.Output}", e);
        }
    }

    [Fact]
    public async Task AHost_ServesOnlyItsOwnUsersServer()
    {
        var admin = await hub.CreateUserAsync(Password, admin: true);
        var student = await hub.CreateUserAsync(Password);
        var other = await hub.CreateUserAsync(Password);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            // Every *.localhost name is this machine (the resolver here knows only "localhost" itself).
            ConnectCallback = async (connect, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, connect.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", await hub.TokenAsync(admin));

        using var onOthersHost = await client.GetAsync($"http://{other}.localhost:{hub.Hub.Port}/user/{student}/api/status");
        using var onOwnHost = await client.GetAsync($"http://{student}.localhost:{hub.Hub.Port}/user/{student}/api/status");
        using var fromHub = await client.GetAsync(new Uri(hub.Hub.Url, $"/user/{student}/tree"));

        Assert.Equal(HttpStatusCode.NotFound, onOthersHost.StatusCode);
        Assert.Contains("serves users' servers only", await onOthersHost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.FailedDependency, onOwnHost.StatusCode); // admitted (admin_access), and not running
        Assert.Equal($"http://{student}.localhost:{hub.Hub.Port}/user/{student}/tree", fromHub.Headers.Location!.ToString());
    }

    /// <summary>A hub with one host per user, {user}.localhost, and admin_access on.</summary>
    public sealed class Hub : HubFixture
    {
        protected override async Task StartHubAsync(HubProcess hub)
        {
            var config = Path.Combine(hub.DataDir, "classhub.json");
            await File.WriteAllTextAsync(config, """{ "user_servers": { "host": "{user}.localhost" }, "admin_access": true }""");
            await hub.StartAsync("--config", config);
        }
    }
}
