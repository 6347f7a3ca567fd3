using System.Net;
using Classhub.EndToEnd.Tests;
using Classhub.InBrowser.Tests;
using Classhub.Storage.Database;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Classhub.Testing.Hostile;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A hub that serves users' servers from a host of their own (user_servers.host) and lets admins open them
/// (admin_access), end to end: the hub is http://127.0.0.1:PORT, the servers' host http://localhost:PORT, two origins
/// whose cookies a browser keeps apart, as it would hub.example.edu and users.hub.example.edu. A student's script in an
/// admin's browser then runs on the servers' host, where the hub's pages and cookies are out of its reach.
/// </summary>
[Collection("hub")]
public sealed class SeparateUserHostTests(SeparateUserHostTests.Hub hub, Chromium chromium, ITestOutputHelper output) : IClassFixture<SeparateUserHostTests.Hub>, IClassFixture<Chromium>
{
    private const string AdminPassword = "admin password";

    /// <summary>What the student plants: the same attack as on a hub without a host for servers, and one across origins.</summary>
    private const string CustomJs = """
        (async () => {
          const report = (m) => console.log('classhub-attack: ' + m);
          const attempt = async (hub) => {
            try {
              const home = await (await fetch(hub + '/hub/home', { credentials: 'include' })).text();
              const csrf = /name="csrf-token" content="([^"]+)"/.exec(home)[1];
              const name = /Sign out ([^<]+)<\/button>/.exec(home)[1].trim();
              const r = await fetch(`${hub}/hub/api/users/${name}/tokens`, {
                method: 'POST', credentials: 'include',
                headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
                body: JSON.stringify({ note: 'planted by the student' }),
              });
              return 'answered ' + r.status;
            } catch (e) {
              return 'failed: ' + e;
            }
          };
          report('same origin ' + await attempt('') + '; hub origin ' + await attempt('HUB'));
        })();
        """;

    [Fact]
    public async Task AdminOpensStudentServer_OnTheServersHost_PlantedScriptCannotReachTheHub()
    {
        var admin = await hub.CreateUserAsync(AdminPassword, admin: true);
        var student = await hub.CreateUserAsync("student password");
        using var api = hub.ApiClient(await hub.TokenAsync(student));
        using (await api.PostAsync($"/hub/api/users/{student}/server", null))
        {
        }

        await hub.WaitReadyAsync(api, student);
        await using var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync(".jupyter/custom/custom.js", CustomJs.Replace("HUB", hub.Hub.Url.ToString().TrimEnd('/'), StringComparison.Ordinal));

        await using var context = await chromium.Browser.NewContextAsync(Screen.Desktop.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        var attack = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("classhub-attack: ", StringComparison.Ordinal))
            {
                attack.TrySetResult(message.Text);
            }
        };
        await page.GotoAsync("/hub/login");
        await page.GetByLabel("User name").FillAsync(admin);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/hub/home");

        await page.GotoAsync($"/user/{student}/tree");
        var report = await attack.Task.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.StartsWith($"http://localhost:{hub.Hub.Port}/user/{student}/tree", page.Url, StringComparison.Ordinal);
        Assert.Equal("Home Page - Select or create a notebook", await page.TitleAsync());
        output.WriteLine(report);
        Assert.Matches("^classhub-attack: same origin failed: .*; hub origin failed: ", report);
        Assert.DoesNotContain("planted by the student", TokenNotesOf(admin));
        var hubCookies = await context.CookiesAsync([$"http://localhost:{hub.Hub.Port}/"]);
        Assert.DoesNotContain(hubCookies, c => c.Name is "classhub-session" or "classhub-csrf");
    }

    [Fact]
    public async Task AdminsToken_IsAcceptedByTheGate_ButNeverReachesTheStudentsServer()
    {
        var admin = await hub.CreateUserAsync(AdminPassword, admin: true);
        var student = await hub.CreateUserAsync("student password");
        var studentToken = await hub.TokenAsync(student);
        using var api = hub.ApiClient(studentToken);
        using (await api.PostAsync($"/hub/api/users/{student}/server", null))
        {
        }

        await hub.WaitReadyAsync(api, student);
        var serversHost = new Uri($"http://localhost:{hub.Hub.Port}");
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = serversHost };

        using var byAdmin = new HttpRequestMessage(HttpMethod.Get, $"/user/{student}/api/status");
        byAdmin.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", await hub.TokenAsync(admin));
        using var asAdmin = await client.SendAsync(byAdmin);
        using var byOwner = new HttpRequestMessage(HttpMethod.Get, $"/user/{student}/api/status");
        byOwner.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", studentToken);
        using var asOwner = await client.SendAsync(byOwner);

        // Jupyter answered both (its header), and refused the admin: the admin's token was not passed on for it to check.
        Assert.True(asAdmin.Headers.Contains("X-JupyterHub-Version"), $"{(int)asAdmin.StatusCode}: {await asAdmin.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Forbidden, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
    }

    [Fact]
    public async Task EachHost_ServesOnlyItsOwn()
    {
        var student = await hub.CreateUserAsync("student password");
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var serversHost = $"http://localhost:{hub.Hub.Port}";

        using var homeOnServersHost = await client.GetAsync($"{serversHost}/hub/home");
        using var loginOnServersHost = await client.GetAsync($"{serversHost}/hub/login");
        using var apiOnServersHost = await client.GetAsync($"{serversHost}/hub/api/user");
        using var postOnServersHost = await client.PostAsync($"{serversHost}/hub/logout", null);
        using var serverOnHubHost = await client.GetAsync(new Uri(hub.Hub.Url, $"/user/{student}/tree?x=1"));
        using var noSignIn = await client.GetAsync($"{serversHost}/user/{student}/tree");
        using var forgedCode = await client.GetAsync($"{serversHost}/_classhub/signed-in?code={new string('a', 64)}&state={new string('b', 64)}");

        // Jupyter's "Control Panel" link (/hub/home, relative) takes the browser to the hub's host; nothing else of the hub is here.
        Assert.Equal(HttpStatusCode.Redirect, homeOnServersHost.StatusCode);
        Assert.Equal($"{hub.Hub.Url.ToString().TrimEnd('/')}/hub/home", homeOnServersHost.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, loginOnServersHost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnServersHost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, postOnServersHost.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, serverOnHubHost.StatusCode);
        Assert.Equal($"{serversHost}/user/{student}/tree?x=1", serverOnHubHost.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, noSignIn.StatusCode);
        Assert.StartsWith($"{hub.Hub.Url.ToString().TrimEnd('/')}/hub/user-origin/sign-in?next=", noSignIn.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forgedCode.StatusCode);
    }

    [Fact]
    public async Task SignInCode_WorksOnceAndOnlyWithTheBrowsersOwnState()
    {
        var student = await hub.CreateUserAsync("student password");
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(student, "student password");
        var serversHost = $"http://localhost:{hub.Hub.Port}";

        // The servers' host sends the browser to the hub with a state it keeps in a cookie of its own.
        using var first = await browser.Client.GetAsync($"{serversHost}/user/{student}/tree");
        var toHub = first.Headers.Location!;
        using var atHub = await browser.Client.GetAsync(toHub);
        var back = atHub.Headers.Location!;
        using var otherBrowser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        using var stolen = await otherBrowser.GetAsync(back); // someone else's browser, without the state cookie
        using var own = await browser.Client.GetAsync(back);
        using var again = await browser.Client.GetAsync(back);

        Assert.Equal(HttpStatusCode.Redirect, atHub.StatusCode);
        Assert.StartsWith($"{serversHost}/_classhub/signed-in?code=", back.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        // The code was spent by the stolen attempt; the browser that owns the state starts again and gets in.
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        using var retry = await browser.Client.GetAsync($"{serversHost}/user/{student}/tree");
        using var retryAtHub = await browser.Client.GetAsync(retry.Headers.Location!);
        using var signedIn = await browser.Client.GetAsync(retryAtHub.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal($"/user/{student}/tree", signedIn.Headers.Location!.OriginalString);
        Assert.Contains(browser.Cookies.GetCookies(new Uri(serversHost)), c => c.Name == "classhub-user" && c.HttpOnly);
    }

    [Fact]
    public async Task SigningOutOfTheHub_EndsTheSignInOnTheServersHost()
    {
        var student = await hub.CreateUserAsync("student password");
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(student, "student password");
        var serversHost = $"http://localhost:{hub.Hub.Port}";
        using (var toHub = await browser.Client.GetAsync($"{serversHost}/user/{student}/tree"))
        using (var atHub = await browser.Client.GetAsync(toHub.Headers.Location!))
        using (var signedIn = await browser.Client.GetAsync(atHub.Headers.Location!))
        {
            Assert.Equal($"/user/{student}/tree", signedIn.Headers.Location!.OriginalString);
        }

        // Signed in there: the gate admits the request (the server is not running, so the hub says so).
        using var before = await browser.Client.GetAsync($"{serversHost}/user/{student}/api/status");
        await browser.GetAsync("/hub/home");
        await browser.PostFormAsync("/hub/logout", new Dictionary<string, string>());
        using var after = await browser.Client.GetAsync($"{serversHost}/user/{student}/api/status");

        Assert.True(before.StatusCode == HttpStatusCode.FailedDependency, $"{(int)before.StatusCode}: {await before.Content.ReadAsStringAsync()}");
        Assert.Contains("missing or invalid credentials", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(browser.Cookies.GetCookies(new Uri(serversHost)).FirstOrDefault(c => c.Name == "classhub-user"));
    }

    private List<string> TokenNotesOf(string user)
    {
        var database = new HubDatabase(Path.Combine(hub.Hub.DataDir, "classhub.db"));
        var id = new UserStore(database, TimeProvider.System).Find(user)!.Id;
        return [.. new TokenStore(database, TimeProvider.System).ListForUser(id).Select(t => t.Note ?? "")];
    }

    /// <summary>A hub with user_servers.host = localhost (the hub itself is at 127.0.0.1) and admin_access on.</summary>
    public sealed class Hub : HubFixture
    {
        protected override async Task StartHubAsync(HubProcess hub)
        {
            var config = Path.Combine(hub.DataDir, "classhub.json");
            await File.WriteAllTextAsync(config, """{ "user_servers": { "host": "localhost" }, "admin_access": true }""");
            await hub.StartAsync("--config", config);
        }
    }
}
