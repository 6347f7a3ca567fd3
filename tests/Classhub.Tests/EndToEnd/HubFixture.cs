using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>One running hub shared by a test class, plus helpers to make users and tokens through the real CLI.</summary>
public class HubFixture : IAsyncLifetime
{
    private readonly List<string> _users = [];

    public HubProcess Hub { get; private set; } = null!;

    protected virtual string[] ServeArgs => [];

    public async Task InitializeAsync()
    {
        Hub = HubProcess.Create();
        await StartHubAsync(Hub);
    }

    /// <summary>Starts the hub the class needs: plain HTTP with <see cref="ServeArgs"/> unless overridden.</summary>
    protected virtual Task StartHubAsync(HubProcess hub) => hub.StartAsync(ServeArgs);

    public async Task DisposeAsync()
    {
        await Hub.DisposeAsync();
        await UnixUsers.RemoveAsync(_users);
        foreach (var user in _users)
        {
            // Servers killed with the hub never stopped through it, so their (empty) dataset trees are still mounted.
            var tree = $"/run/classhub/datasets/{user}";
            if (Directory.Exists(tree))
            {
                await UnixUsers.RunAsync("umount", "--recursive", "--lazy", tree);
                Directory.Delete(tree, recursive: true);
            }
        }

        Directory.Delete(Hub.DataDir, recursive: true);
    }

    /// <summary>Adds a hub user with a password through <c>classhub user add --password-stdin</c> (may be called concurrently).</summary>
    public async Task<string> CreateUserAsync(string password = "correct horse", bool admin = false)
    {
        var name = UnixUsers.NewName();
        lock (_users)
        {
            _users.Add(name);
        }

        var result = await Hub.RunCliAsync(password, ["user", "add", name, "--password-stdin", .. admin ? new[] { "--admin" } : []]);
        Assert.True(result.ExitCode == 0, $"user add failed: {result.Stderr}");
        return name;
    }

    public async Task<string> TokenAsync(string user)
    {
        var result = await Hub.CliAsync("token", "create", user, "--note", "e2e");
        Assert.True(result.ExitCode == 0, $"token create failed: {result.Stderr}");
        return result.LastLine;
    }

    public HttpClient ApiClient(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Hub.Url, Timeout = TimeSpan.FromSeconds(90) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        return client;
    }

    /// <summary>Polls the user model until its server is ready (or throws with the hub's output).</summary>
    public Task WaitReadyAsync(HttpClient api, string user, TimeSpan? timeout = null) =>
        WaitForServerAsync(api, user, server => server?["ready"]?.GetValue<bool>() == true, "was not ready", timeout);

    /// <summary>Stops the user's server through the API and waits until the hub no longer lists it.</summary>
    public async Task StopServerAsync(HttpClient api, string user, TimeSpan? timeout = null)
    {
        using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
        Assert.True(stop.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted, $"stopping the server of {user}: {(int)stop.StatusCode} {await stop.Content.ReadAsStringAsync()}");
        await WaitForServerAsync(api, user, server => server is null, "did not stop", timeout);
    }

    /// <summary>Polls the user model until <paramref name="done"/> holds for its default server (null: none listed).</summary>
    private async Task WaitForServerAsync(HttpClient api, string user, Func<JsonNode?, bool> done, string failure, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
            if (done(model["servers"]?[""]))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the server of {user} {failure} in time:\n{Hub.Output}");
    }
}
