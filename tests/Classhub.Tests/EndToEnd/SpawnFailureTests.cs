using System.Net;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>A server that cannot start gives a clear error on the spawn page and in the API, and the hub stays up.</summary>
[Collection("hub")]
public sealed class SpawnFailureTests : IAsyncLifetime
{
    private readonly HubProcess _hub = HubProcess.Create();
    private readonly List<string> _users = [];

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, """{ "spawner": { "command": ["/bin/sh", "-c", "echo 'no notebook here' >&2; exit 3"] } }""");
        await _hub.StartAsync("--config", config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await UnixUsers.RemoveAsync(_users);
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task ServerExitsAtStart_SpawnPageShowsExitCodeAndLog_HubStaysHealthy()
    {
        var user = UnixUsers.NewName();
        _users.Add(user);
        Assert.Equal(0, (await _hub.RunCliAsync("a password", "user", "add", user, "--password-stdin")).ExitCode);
        using var browser = new Browser(_hub.Url);
        await browser.SignInAsync(user, "a password");
        await browser.GetAsync("/hub/home");
        await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string>());

        string body = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !body.Contains("data-failed=\"true\"", StringComparison.Ordinal))
        {
            await Task.Delay(250);
            (_, body) = await browser.GetAsync($"/hub/spawn-pending/{user}");
        }

        Assert.Contains("data-failed=\"true\"", body, StringComparison.Ordinal);
        Assert.Contains($"starting server for {user}: the server exited with code 3 before it was ready", body, StringComparison.Ordinal);
        Assert.Contains("Try again", body, StringComparison.Ordinal);

        using var api = new HttpClient { BaseAddress = _hub.Url };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", (await _hub.CliAsync("token", "create", user)).LastLine);
        using var again = await api.PostAsync($"/hub/api/users/{user}/server", null);
        Assert.Equal(HttpStatusCode.InternalServerError, again.StatusCode);
        Assert.Contains("no notebook here", JsonNode.Parse(await again.Content.ReadAsStringAsync())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/hub/health")).StatusCode);
    }

    [Fact]
    public async Task SpawnerRefuses_MessageSaysWhatWasBeingDoneOnce()
    {
        var user = UnixUsers.NewName();
        _users.Add(user);
        Assert.Equal(0, (await _hub.RunCliAsync("a password", "user", "add", user, "--password-stdin")).ExitCode);
        // The spawner cannot write the server's log (a folder stands where the file goes): it refuses, saying what it was doing.
        Directory.CreateDirectory(Path.Combine(_hub.DataDir, "logs", $"{user}.log"));
        using var api = new HttpClient { BaseAddress = _hub.Url };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", (await _hub.CliAsync("token", "create", user)).LastLine);

        using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
        var message = JsonNode.Parse(await start.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();

        Assert.StartsWith($"starting server for {user}: cannot write the server log", message, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "starting server for"));
    }
}
