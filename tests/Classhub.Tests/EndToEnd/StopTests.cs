using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// Stopping the hub (SIGTERM, as systemd does) while a server start is pending: what waits on the start is let go at
/// once, and the start itself is neither given up nor lost. The server command never becomes ready and the start
/// timeout is ten minutes, so the hub can only exit while the start is still pending if it stops waiting for it.
/// </summary>
[Collection("hub")]
public sealed class StopTests : IAsyncLifetime
{
    private readonly HubProcess _hub = HubProcess.Create();
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"classhub-stop-{Guid.NewGuid():N}.json");
    private readonly string _user = UnixUsers.NewName("stop");

    public async Task InitializeAsync()
    {
        // Runs (as the student) but never listens: the start stays pending until its timeout.
        await File.WriteAllTextAsync(_config, """{ "spawner": { "command": ["/usr/bin/python3", "-c", "import time; time.sleep(3600)"] }, "start_timeout": 600 }""");
        await _hub.StartAsync("--config", _config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await UnixUsers.RemoveAsync([_user]);
        File.Delete(_config);
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task Sigterm_DuringAPendingStart_RequestsEndCleanly_HubExits_StartIsTakenUpAfterTheRestart()
    {
        Assert.Equal(0, (await _hub.RunCliAsync("a password", "user", "add", _user, "--password-stdin")).ExitCode);
        var token = (await _hub.CliAsync("token", "create", _user)).LastLine;
        using var api = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _hub.Url, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);

        // The API's start waits (up to 10 s) for the server; the spawn page follows the progress stream.
        var start = api.PostAsync($"/hub/api/users/{_user}/server", null);
        await WaitAsync(async () => (await ModelAsync(api))?["servers"]?[""]?["pending"]?.GetValue<string>() == "spawn", "the start to be pending");
        using var progress = await api.GetAsync($"/hub/api/users/{_user}/server/progress", HttpCompletionOption.ResponseHeadersRead);
        var stream = await progress.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var events = new List<string>();
        while (!events.Any(e => e.Contains("waiting for it to answer", StringComparison.Ordinal)))
        {
            events.Add(await reader.ReadLineAsync() ?? throw new InvalidOperationException($"the progress stream ended early: {string.Join('\n', events)}"));
        }

        var server = await UnixUsers.RunAsync("pgrep", "-u", _user, "-f", "time.sleep");
        Assert.NotEqual("", server);

        Process.Start("kill", ["-TERM", _hub.Pid!.Value.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

        // The progress stream ends with the hub's goodbye instead of being cut off when the hub exits (the old hub
        // held it open until Kestrel's 30 s shutdown timeout, then reset the connection).
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("The hub is restarting", rest, StringComparison.Ordinal);
        // The API's start was answered at once, still starting.
        using (var answered = await start)
        {
            Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        }

        await _hub.StopAsync();
        Assert.Contains("Application is shutting down", _hub.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("did not start within", _hub.Output, StringComparison.Ordinal);
        // The hub exited while the start was still pending: the server it was starting is still there.
        Assert.Equal(server, await UnixUsers.RunAsync("pgrep", "-u", _user, "-f", "time.sleep"));

        // Nothing lost: the restarted hub takes the start up again (still not answering, so still pending), and a stop
        // asked for meanwhile ends it at once instead of after the ten-minute start timeout.
        var again = HubProcess.Create(_hub.DataDir, _hub.Port);
        await using (again)
        {
            await again.StartAsync("--config", _config);
            var model = await ModelAsync(api);
            Assert.Equal("spawn", model!["servers"]![""]!["pending"]!.GetValue<string>());
            using var stop = await api.DeleteAsync($"/hub/api/users/{_user}/server");
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
            Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", _user, "-f", "time.sleep"));
            Assert.Empty((await ModelAsync(api))!["servers"]!.AsObject());
        }
    }

    private async Task<JsonNode?> ModelAsync(HttpClient api) => JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{_user}"));

    private async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}:\n{_hub.Output}");
            await Task.Delay(100);
        }
    }
}
