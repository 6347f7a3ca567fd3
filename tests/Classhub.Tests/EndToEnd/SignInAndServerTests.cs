using System.Net;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// The walking skeleton end to end, against the AOT binary as root: sign in through the form, start a real
/// jupyterhub-singleuser as the user's Unix account, run code in a kernel over the proxied WebSocket.
/// </summary>
[Collection("hub")]
public sealed class SignInAndServerTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Password = "correct horse";

    [Fact]
    public async Task SignIn_StartServer_KernelRunsCodeOverProxiedWebSocket_AsTheUsersUnixAccount()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);

        var login = await browser.SignInAsync(user, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = browser.Cookies.GetCookies(fixture.Hub.Url).First(c => c.Name == "classhub-session");
        Assert.True(session.HttpOnly);

        var (home, homeBody) = await browser.GetAsync("/hub/home");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Start my server", homeBody, StringComparison.Ordinal);

        var (spawn, _) = await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string> { ["next"] = $"/user/{user}/tree" });
        Assert.Equal(HttpStatusCode.Redirect, spawn.StatusCode);
        Assert.StartsWith($"/hub/spawn-pending/{user}", spawn.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var (tree, treeBody, finalPath) = await WaitForTreeAsync(browser, user);
        Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
        Assert.Equal($"/user/{user}/tree", finalPath);
        Assert.Contains("<title>Home Page - Select or create a notebook</title>", treeBody, StringComparison.Ordinal);

        var kernel = await JupyterKernel.StartAsync(browser, user);
        var printed = await JupyterKernel.ExecuteAsync(browser, user, kernel, "print(6*7)");
        Assert.Equal("42\n", printed);

        var uid = await UnixUsers.RunAsync("id", "-u", user);
        var written = await JupyterKernel.ExecuteAsync(browser, user, kernel, "import os\nopen('written-by-kernel.txt','w').write('x')\nprint(os.getuid(), os.getcwd())");
        Assert.Equal($"{uid} /home/{user}\n", written);
        Assert.Equal(user, await UnixUsers.RunAsync("stat", "-c", "%U", $"/home/{user}/written-by-kernel.txt"));
    }

    [Fact]
    public async Task OtherUser_SessionOrToken_GetsNoResponseFromTheServer()
    {
        var owner = await fixture.CreateUserAsync(Password);
        var other = await fixture.CreateUserAsync(Password);
        using var ownerApi = fixture.ApiClient(await fixture.TokenAsync(owner));
        using var started = await ownerApi.PostAsync($"/hub/api/users/{owner}/server", null);
        await fixture.WaitReadyAsync(ownerApi, owner);

        // The owner's own token reaches the server: Jupyter answers and stamps its version header.
        using var own = await ownerApi.GetAsync($"/user/{owner}/api/status");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.True(own.Headers.Contains("X-JupyterHub-Version"));

        using var browser = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(other, Password)).StatusCode);
        var (bySession, body) = await browser.GetAsync($"/user/{owner}/tree");
        Assert.Equal(HttpStatusCode.Forbidden, bySession.StatusCode);
        Assert.False(bySession.Headers.Contains("X-JupyterHub-Version"));
        Assert.Contains("belongs to someone else", body, StringComparison.Ordinal);

        using var otherApi = fixture.ApiClient(await fixture.TokenAsync(other));
        using var byToken = await otherApi.GetAsync($"/user/{owner}/api/contents");
        Assert.Equal(HttpStatusCode.Forbidden, byToken.StatusCode);
        Assert.False(byToken.Headers.Contains("X-JupyterHub-Version"));

        using var anonymous = new Browser(fixture.Hub.Url);
        var (noCredentials, _) = await anonymous.GetAsync($"/user/{owner}/tree");
        Assert.Equal(HttpStatusCode.Redirect, noCredentials.StatusCode);
        Assert.StartsWith("/hub/login?next=", noCredentials.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // And the other user cannot start or stop the owner's server through the API.
        using var stop = await otherApi.DeleteAsync($"/hub/api/users/{owner}/server");
        Assert.Equal(HttpStatusCode.Forbidden, stop.StatusCode);
        using var stillThere = await ownerApi.GetAsync($"/user/{owner}/api/status");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task Api_StartAndStop_JupyterHubStatusCodes_AndProgressStream()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));

        using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
        Assert.True(start.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"start answered {(int)start.StatusCode}");
        using var again = await api.PostAsync($"/hub/api/users/{user}/server", null);
        Assert.True(again.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Accepted, $"a second start answered {(int)again.StatusCode}");

        var progress = await api.GetStringAsync($"/hub/api/users/{user}/server/progress");
        var events = progress.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.True(events[^1]["ready"]!.GetValue<bool>(), progress);
        Assert.Equal(100, events[^1]["progress"]!.GetValue<int>());

        var model = JsonNode.Parse(await api.GetStringAsync("/hub/api/user"))!;
        Assert.Equal(user, model["name"]!.GetValue<string>());
        Assert.Equal($"/user/{user}/", model["server"]!.GetValue<string>());
        Assert.Contains($"access:servers!user={user}", model["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal([user], await UserNamesAsync(api, "ready"));
        Assert.Equal([user], await UserNamesAsync(api, "active"));
        Assert.Empty(await UserNamesAsync(api, "inactive"));
        using var badState = await api.GetAsync("/hub/api/users?state=running");
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("use inactive, active or ready", await badState.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
        Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        var after = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
        Assert.Null(after["server"]);
        Assert.Equal([user], await UserNamesAsync(api, "inactive"));
        Assert.Empty(await UserNamesAsync(api, "ready"));
        Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser"));
    }

    /// <summary>JupyterHub's <c>GET /hub/api/users?state=</c>, as the user sees it (only themselves).</summary>
    private static async Task<List<string>> UserNamesAsync(HttpClient api, string state) =>
        [.. JsonNode.Parse(await api.GetStringAsync($"/hub/api/users?state={state}"))!.AsArray().Select(u => u!["name"]!.GetValue<string>())];

    [Fact]
    public async Task UserPath_ServerNotRunning_RedirectsToSpawnPage()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);
        await browser.SignInAsync(user, Password);

        var (response, _) = await browser.GetAsync($"/user/{user}/notebooks/x.ipynb");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/hub/spawn/{user}?next=%2Fuser%2F{user}%2Fnotebooks%2Fx.ipynb", response.Headers.Location!.OriginalString);
        var (page, body) = await browser.GetAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Start server", body, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.InternalServerError, page.StatusCode);
    }

    [Fact]
    public async Task WrongPassword_Repeatedly_Returns429WithRetryAfter()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(user, "wrong password")).StatusCode);
        }

        var limited = await browser.SignInAsync(user, "wrong password");
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Even the right password waits: the limit is checked before the password.
        Assert.Equal((HttpStatusCode)429, (await browser.SignInAsync(user, Password)).StatusCode);
    }

    [Fact]
    public async Task Form_WithoutOrWithWrongCsrfToken_Returns403Page()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);
        await browser.GetAsync("/hub/login");

        var (missing, body) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = user, ["password"] = Password }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Contains("security token", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));

        var (wrong, _) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = user, ["password"] = Password, ["_csrf"] = new string('0', 64) }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        await browser.SignInAsync(user, Password);
        var (spawn, _) = await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string>(), withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, spawn.StatusCode);
    }

    [Fact]
    public async Task SignIn_NextParameter_OnlyRedirectsToLocalPaths()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);
        await browser.GetAsync("/hub/login?next=//evil.example/steal");
        var (response, _) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = user, ["password"] = Password, ["next"] = "//evil.example/steal" });
        Assert.Equal("/hub/home", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task InviteLink_SetsPassword_SignsIn_AndWorksOnlyOnce()
    {
        var name = UnixUsers.NewName();
        var invite = await fixture.Hub.CliAsync("user", "invite", name);
        Assert.Equal(0, invite.ExitCode);
        var link = new Uri(invite.LastLine);
        Assert.StartsWith("/hub/invite/", link.AbsolutePath, StringComparison.Ordinal);

        using var browser = new Browser(fixture.Hub.Url);
        var (form, formBody) = await browser.GetAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains(name, formBody, StringComparison.Ordinal);
        var (set, _) = await browser.PostFormAsync(link.AbsolutePath, new Dictionary<string, string> { ["password"] = "a new password", ["confirm"] = "a new password" });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.NotNull(browser.Cookie("classhub-session"));

        using var again = new Browser(fixture.Hub.Url);
        var (reuse, _) = await again.GetAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await again.SignInAsync(name, "a new password")).StatusCode);
        await UnixUsers.RemoveAsync([name]);
    }

    [Fact]
    public async Task Cli_DisableUser_WhileServing_TokenAndSessionStopWorking()
    {
        var user = await fixture.CreateUserAsync(Password);
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/hub/api/user")).StatusCode);

        Assert.Equal(0, (await fixture.Hub.CliAsync("user", "disable", user)).ExitCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            status = (await api.GetAsync("/hub/api/user")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var list = await fixture.Hub.CliAsync("user", "list", "--json");
        var row = JsonNode.Parse(list.Stdout)!.AsArray().First(u => u!["name"]!.GetValue<string>() == user)!;
        Assert.True(row["disabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Health_Returns200_WithDatabaseAndSpawnerChecks()
    {
        using var client = new HttpClient { BaseAddress = fixture.Hub.Url };
        using var response = await client.GetAsync("/hub/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.True(health["checks"]!["database"]!["ok"]!.GetValue<bool>());
        Assert.Contains("jupyterhub-singleuser", health["checks"]!["spawner"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AdminToken_PrometheusText_StudentForbidden()
    {
        var admin = await fixture.CreateUserAsync(Password, admin: true);
        var student = await fixture.CreateUserAsync(Password);
        using var browser = new Browser(fixture.Hub.Url);
        await browser.SignInAsync(student, Password);

        using var adminApi = fixture.ApiClient(await fixture.TokenAsync(admin));
        var text = await adminApi.GetStringAsync("/hub/metrics");
        Assert.Contains("# TYPE classhub_servers gauge", text, StringComparison.Ordinal);
        Assert.Matches(@"classhub_logins_total\{result=""success""\} [1-9]", text);
        Assert.Matches(@"classhub_gc_allocated_bytes_total [1-9][0-9]{5,}", text);
        Assert.Matches(@"classhub_gc_collections_total\{generation=""2""\} [0-9]+\n", text); // how many: depends on when the hub was last quiet
        Assert.Matches(@"classhub_gc_fragmented_bytes [0-9]+\n", text);
        using var studentApi = fixture.ApiClient(await fixture.TokenAsync(student));
        Assert.Equal(HttpStatusCode.Forbidden, (await studentApi.GetAsync("/hub/metrics")).StatusCode);
    }

    [Fact]
    public async Task SecondServe_OnTheSameDataDir_IsRefused()
    {
        var second = HubProcess.Create(fixture.Hub.DataDir);
        var result = await second.CliAsync("serve", "--urls", $"http://127.0.0.1:{HubProcess.FreePort()}");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already serving", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OnAPortInUse_SaysWhichAddressAndHowToFixIt()
    {
        var second = HubProcess.Create();
        var result = await second.CliAsync("serve", "--urls", fixture.Hub.Url.ToString().TrimEnd('/'));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"127.0.0.1:{fixture.Hub.Port}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("address already in use", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--urls", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<(HttpResponseMessage, string, string)> WaitForTreeAsync(Browser browser, string user)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (response, body, path) = await browser.FollowAsync($"/hub/spawn-pending/{user}?next=/user/{user}/tree");
            if (path == $"/user/{user}/tree" || DateTime.UtcNow > deadline)
            {
                return (response, body, path);
            }

            Assert.DoesNotContain("data-failed=\"true\"", body, StringComparison.Ordinal);
            await Task.Delay(300);
        }
    }
}
