using System.Net;
using System.Text;
using Classhub.Core.Servers;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Tests.Support;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.LocalProcess;

/// <summary>
/// The default command, Debian's jupyterhub-singleuser, as a real Unix user. It asks its hub for the API version
/// before it listens, so a minimal hub answering <c>GET /hub/api</c> stands in for classhub here.
/// </summary>
public sealed class JupyterSingleUserTests : IDisposable
{
    private readonly TestServer _server = new();
    private readonly TestUnixUser _user = new();
    private readonly HttpListener _hub = new();
    private readonly int _hubPort = new PortPicker(TimeProvider.System).Pick(IPAddress.Loopback);

    public JupyterSingleUserTests()
    {
        _hub.Prefixes.Add($"http://127.0.0.1:{_hubPort}/hub/");
        _hub.Start();
        _ = Task.Run(AnswerVersionAsync);
    }

    public void Dispose()
    {
        _hub.Close();
        _user.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task StartAsync_JupyterhubSingleuser_ServesUnderPrefixAsUser()
    {
        var account = _user.Create();
        var spawner = new LocalProcessSpawner(new LocalProcessSpawnerOptions(), TimeProvider.System, NullLogger<LocalProcessSpawner>.Instance);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUPYTERHUB_API_TOKEN"] = "token-abc-123",
            ["JUPYTERHUB_API_URL"] = $"http://127.0.0.1:{_hubPort}/hub/api",
            ["JUPYTERHUB_BASE_URL"] = "/",
            ["JUPYTERHUB_CLIENT_ID"] = "jupyterhub-user-alice",
            ["JUPYTERHUB_USER"] = "alice",
            ["JUPYTERHUB_SERVICE_PREFIX"] = "/user/alice/",
            ["JUPYTERHUB_OAUTH_CALLBACK_URL"] = "/user/alice/oauth_callback",
        };
        var request = new SpawnRequest("alice", _user.Name, ["jupyterhub-singleuser"], env, _server.LogPath(_user.Name), ResourceLimits.None) { UnixUid = account.Uid };

        var result = await spawner.StartAsync(request, CancellationToken.None);
        Assert.Null(result.Failure);
        try
        {
            var body = await Proc.GetAsync(new Uri(result.Server!.Url, "/user/alice/api"), seconds: 60);

            Assert.Contains("\"version\"", body, StringComparison.Ordinal);
            var pid = LocalProcessState.Parse(result.Server.State).Pid;
            Assert.StartsWith(UnixAccounts.FindByName(_user.Name)!.Uid + "\t", Proc.Status(pid, "Uid"), StringComparison.Ordinal);
            Assert.DoesNotContain("token-abc-123", Proc.CommandLine(pid), StringComparison.Ordinal);
        }
        finally
        {
            await spawner.StopAsync(result.Server!.State, TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        Assert.False((await spawner.PollAsync(result.Server.State, CancellationToken.None)).Running);
    }

    private async Task AnswerVersionAsync()
    {
        while (_hub.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _hub.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var body = Encoding.UTF8.GetBytes("{\"version\": \"3.0.0\"}");
            context.Response.ContentType = "application/json";
            context.Response.AddHeader("X-JupyterHub-Version", "3.0.0");
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
