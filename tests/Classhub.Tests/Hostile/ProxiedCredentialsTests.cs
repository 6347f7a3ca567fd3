using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// What a student's server receives through the hub, end to end: the "server" is a small echo program run as the
/// student (the hub's spawner.command), which answers with the request it got. A server runs the student's code, so
/// it must never see a hub credential: no <c>classhub-*</c> cookie, no <c>X-CSRF-Token</c>. The one credential it may
/// see is its owner's own token, sent by its owner (JupyterHub's API clients reach their server that way).
/// </summary>
[Collection("hub")]
public sealed class ProxiedCredentialsTests : IAsyncLifetime
{
    private const string Password = "student password";

    /// <summary>Listens where the spawner says (--ip=, --port=) and answers every request with its path and headers.</summary>
    private const string EchoServer = """
        import http.server, json, sys
        opts = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
        class Echo(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({'path': self.path, 'headers': [[k.lower(), v] for k, v in self.headers.items()]}).encode()
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_POST = do_GET
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer((opts['ip'], int(opts['port'])), Echo).serve_forever()
        """;

    private readonly HubProcess _hub = HubProcess.Create();
    private readonly List<string> _users = [];

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_hub.DataDir, "classhub.json");
        var command = new JsonArray("/usr/bin/python3", "-c", EchoServer);
        await File.WriteAllTextAsync(config, new JsonObject { ["spawner"] = new JsonObject { ["command"] = command } }.ToJsonString());
        await _hub.StartAsync("--config", config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await UnixUsers.RemoveAsync(_users);
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task OwnersBrowser_HubCookiesAndCsrfHeader_NeverReachTheServer_OtherCookiesDo()
    {
        var student = await StartedStudentAsync();
        using var browser = new Browser(_hub.Url);
        await browser.SignInAsync(student, Password);
        await browser.GetAsync("/hub/home"); // sets classhub-csrf too
        Assert.NotNull(browser.Cookie("classhub-csrf"));
        browser.Cookies.Add(_hub.Url, new Cookie("jupyterhub-user-" + student, "the-servers-own"));
        browser.Cookies.Add(_hub.Url, new Cookie("CLASSHUB-other", "any-case"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/user/{student}/api/contents?path=a%20b");
        request.Headers.Add("X-CSRF-Token", browser.LastCsrf);

        using var response = await browser.Client.SendAsync(request);
        var seen = await SeenAsync(response);

        Assert.Equal($"/user/{student}/api/contents?path=a%20b", seen.Path);
        Assert.Equal($"jupyterhub-user-{student}=the-servers-own", seen.Header("cookie"));
        Assert.Null(seen.Header("x-csrf-token"));
    }

    [Fact]
    public async Task OwnersOwnToken_ReachesTheirServer_AsJupyterHubClientsExpect()
    {
        var student = await StartedStudentAsync();
        var token = await TokenAsync(student);
        using var client = new HttpClient { BaseAddress = _hub.Url };

        using var byHeader = new HttpRequestMessage(HttpMethod.Get, $"/user/{student}/api/status");
        byHeader.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
        var header = await SeenAsync(await client.SendAsync(byHeader));
        var query = await SeenAsync(await client.GetAsync($"/user/{student}/api/status?token={token}"));

        Assert.Equal($"token {token}", header.Header("authorization"));
        Assert.Equal($"/user/{student}/api/status?token={token}", query.Path);
    }

    private async Task<string> StartedStudentAsync()
    {
        var student = UnixUsers.NewName("pc");
        _users.Add(student);
        Assert.Equal(0, (await _hub.RunCliAsync(Password, "user", "add", student, "--password-stdin")).ExitCode);
        using var api = new HttpClient { BaseAddress = _hub.Url };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", await TokenAsync(student));
        using (var start = await api.PostAsync($"/hub/api/users/{student}/server", null))
        {
            Assert.True(start.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"start answered {(int)start.StatusCode}: {_hub.Output}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{student}"))!["servers"]?[""]?["ready"]?.GetValue<bool>() != true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the echo server of {student} was not ready:\n{_hub.Output}");
            await Task.Delay(200);
        }

        return student;
    }

    private async Task<string> TokenAsync(string user) => (await _hub.CliAsync("token", "create", user)).LastLine;

    private static async Task<Seen> SeenAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            var headers = json.RootElement.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!)).ToList();
            return new Seen(json.RootElement.GetProperty("path").GetString()!, headers);
        }
    }

    private sealed record Seen(string Path, List<(string Name, string Value)> Headers)
    {
        public string? Header(string name) => Headers.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();
    }
}
