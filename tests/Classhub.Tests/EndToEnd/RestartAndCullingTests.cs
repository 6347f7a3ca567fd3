using System.Net;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>Servers outlive a crashed hub and are re-attached; idle servers are stopped.</summary>
[Collection("hub")]
public sealed class RestartTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task HubKilledWithSigkill_Restarted_ServerStillReachableAndReattached()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.TokenAsync(user);
        using (var api = fixture.ApiClient(token))
        {
            using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
            await fixture.WaitReadyAsync(api, user);
        }

        var serverPid = await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser");
        Assert.NotEqual("", serverPid);

        fixture.Hub.KillHard();
        // A new process on the same state and address (servers were told the hub's API URL); the route must come
        // from the database and the re-attached spawner state, not from the old process.
        var restarted = HubProcess.Create(fixture.Hub.DataDir, fixture.Hub.Port);
        await using (restarted)
        {
            await restarted.StartAsync();
            using var api = new HttpClient { BaseAddress = restarted.Url };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);

            var model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
            Assert.True(model["servers"]![""]!["ready"]!.GetValue<bool>());
            using var status = await api.GetAsync($"/user/{user}/api/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.True(status.Headers.Contains("X-JupyterHub-Version"));
            Assert.Equal(serverPid, await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser"));
            Assert.Contains($"re-attached to the running server of {user}", restarted.Output, StringComparison.Ordinal);

            using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        }
    }

    [Fact]
    public async Task HubRestarted_ServerThatDiedMeanwhile_IsMarkedStopped()
    {
        var hub = HubProcess.Create();
        var user = await fixture.CreateUserAsync();
        await using (hub)
        {
            await hub.StartAsync();
            Assert.Equal(0, (await hub.RunCliAsync("pw-123456", "user", "add", user, "--password-stdin")).ExitCode);
            var token = (await hub.CliAsync("token", "create", user)).LastLine;
            using var api = new HttpClient { BaseAddress = hub.Url };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
            using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
            await fixture.WaitReadyAsync(api, user);
            hub.KillHard();
            await UnixUsers.RunAsync("pkill", "-KILL", "-u", user);
            await Task.Delay(300);

            var again = HubProcess.Create(hub.DataDir, hub.Port);
            await using (again)
            {
                await again.StartAsync();
                using var api2 = new HttpClient { BaseAddress = again.Url };
                api2.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
                var model = JsonNode.Parse(await api2.GetStringAsync($"/hub/api/users/{user}"))!;
                Assert.Null(model["server"]);
                using var proxied = await api2.GetAsync($"/user/{user}/api/status");
                Assert.Equal((HttpStatusCode)424, proxied.StatusCode);
            }
        }
    }

    [Fact]
    public async Task HubRestarted_ServerAliveButNotAnswering_NotReadyUntilItAnswers()
    {
        var hub = HubProcess.Create();
        var user = await fixture.CreateUserAsync();
        await using (hub)
        {
            await hub.StartAsync();
            Assert.Equal(0, (await hub.RunCliAsync("pw-123456", "user", "add", user, "--password-stdin")).ExitCode);
            var token = (await hub.CliAsync("token", "create", user)).LastLine;
            using var api = new HttpClient { BaseAddress = hub.Url };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
            using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
            await fixture.WaitReadyAsync(api, user);
            var serverPid = await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser");
            Assert.NotEqual("", serverPid);

            // The hub dies; meanwhile the server stops answering (its process is alive, as a wedged or swapped-out one is).
            hub.KillHard();
            await UnixUsers.RunAsync("kill", "-STOP", serverPid);
            var again = HubProcess.Create(hub.DataDir, hub.Port);
            await using (again)
            {
                await again.StartAsync();
                using var api2 = new HttpClient { BaseAddress = again.Url };
                api2.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);

                var model = JsonNode.Parse(await api2.GetStringAsync($"/hub/api/users/{user}"))!;
                Assert.False(model["servers"]![""]!["ready"]!.GetValue<bool>(), $"re-attached server reported ready before it answered: {model}");
                Assert.Equal("spawn", model["servers"]![""]!["pending"]!.GetValue<string>());
                using (var proxied = await api2.GetAsync($"/user/{user}/api/status"))
                {
                    Assert.Equal((HttpStatusCode)424, proxied.StatusCode);
                }

                await UnixUsers.RunAsync("kill", "-CONT", serverPid);
                await fixture.WaitReadyAsync(api2, user);
                using (var status = await api2.GetAsync($"/user/{user}/api/status"))
                {
                    Assert.Equal(HttpStatusCode.OK, status.StatusCode);
                }

                Assert.Equal(serverPid, await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser"));
                Assert.Contains($"re-attached to the running server of {user}", again.Output, StringComparison.Ordinal);
                await fixture.StopServerAsync(api2, user);
            }
        }
    }
}

/// <summary>A hub that culls after 3 idle seconds, checking every second.</summary>
public sealed class CullingHubFixture : HubFixture
{
    protected override string[] ServeArgs => ["--idle-timeout", "3", "--cull-interval", "1"];
}

[Collection("hub")]
public sealed class CullingTests(CullingHubFixture fixture) : IClassFixture<CullingHubFixture>
{
    [Fact]
    public async Task IdleServer_IsStopped_AfterIdleTimeout()
    {
        var user = await fixture.CreateUserAsync();
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
        await fixture.WaitReadyAsync(api, user);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode model;
        do
        {
            await Task.Delay(500);
            model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
        }
        while (model["servers"]!.AsObject().Count > 0 && DateTime.UtcNow < deadline);

        Assert.Empty(model["servers"]!.AsObject());
        Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", user, "-f", "jupyterhub-singleuser"));
        Assert.Contains($"stopping the server of {user}: idle for", fixture.Hub.Output, StringComparison.Ordinal);
    }
}
