using System.Net;
using System.Text;
using System.Text.Json;
using Classhub.Cli;
using Classhub.Configuration;
using Classhub.EndToEnd.Tests;
using Classhub.Hosting;
using Classhub.Storage.Database;
using Microsoft.AspNetCore.Routing;

namespace Classhub.Tests.Hostile;

/// <summary>
/// Anyone on the network sends whatever they like: a corpus of malformed bodies (wrong types, nulls, huge numbers, deep
/// nesting, bad multipart, wrong content types) goes to every endpoint of the running hub (the AOT binary), with an
/// admin's token so that each request gets past authentication to the code that reads its body. No answer may be a
/// 5xx, and every error from the API is JupyterHub's JSON <c>{"status": N, "message": "..."}</c>.
/// The endpoints come from the hub's own endpoint data source (the app <c>serve</c> builds), so a new endpoint is
/// covered at once: one that is not in <see cref="Targets"/> fails the test until it is given its route values here.
/// </summary>
[Collection("hub")]
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private const string Course = "corpus101";

    /// <summary>A user who does not exist: for the endpoints that would start, stop or delete something real.</summary>
    private const string Nobody = "nobody-corpus";

    /// <summary>
    /// Where each endpoint is reached ({admin} is the signed-in admin). Endpoints that act on someone (start a server,
    /// delete a user) name <see cref="Nobody"/>, so the corpus changes nothing that matters.
    /// </summary>
    private static readonly Dictionary<string, string> Targets = new(StringComparer.Ordinal)
    {
        ["GET /"] = "/",
        ["GET /hub"] = "/hub",
        ["GET /hub/home"] = "/hub/home",
        ["GET /hub/login"] = "/hub/login",
        ["POST /hub/login"] = "/hub/login",
        ["GET /hub/logout"] = "/hub/logout",
        ["POST /hub/logout"] = "/hub/logout",
        ["GET /hub/spawn/{name}"] = $"/hub/spawn/{Nobody}",
        ["POST /hub/spawn/{name}"] = $"/hub/spawn/{Nobody}",
        ["GET /hub/spawn-pending/{name}"] = $"/hub/spawn-pending/{Nobody}",
        ["POST /hub/stop/{name}"] = $"/hub/stop/{Nobody}",
        ["GET /hub/invite/{code}"] = "/hub/invite/not-a-code",
        ["POST /hub/invite/{code}"] = "/hub/invite/not-a-code",
        ["GET /hub/oauth/{provider}/start"] = "/hub/oauth/github/start",
        ["GET /hub/oauth/{provider}/callback"] = "/hub/oauth/github/callback?code=x&state=y",
        ["GET /hub/admin"] = "/hub/admin",
        ["GET /hub/admin/users/{name}/log"] = "/hub/admin/users/{admin}/log",
        ["GET /hub/users/{name}/files/{**path}"] = "/hub/users/{admin}/files/",
        ["GET /hub/user-origin/sign-in"] = "/hub/user-origin/sign-in?host=x&state=y",
        ["GET /hub/metrics"] = "/hub/metrics",
        ["GET /hub/health"] = "/hub/health",
        ["GET /hub/static/{**file}"] = "/hub/static/classhub.css",
        ["GET /hub/courses/{id}"] = $"/hub/courses/{Course}",
        ["POST /hub/courses/{id}/roster/preview"] = $"/hub/courses/{Course}/roster/preview",
        ["POST /hub/courses/{id}/roster/apply"] = $"/hub/courses/{Course}/roster/apply",
        ["POST /hub/courses/{id}/datasets/add"] = $"/hub/courses/{Course}/datasets/add",
        ["POST /hub/courses/{id}/datasets/remove"] = $"/hub/courses/{Course}/datasets/remove",
        ["POST /hub/courses/{id}/assignments/push"] = $"/hub/courses/{Course}/assignments/push",
        ["GET /hub/courses/{id}/assignments/{name}/submissions.zip"] = $"/hub/courses/{Course}/assignments/hw1/submissions.zip",
        ["POST /hub/courses/{id}/assignments/{name}/submit"] = $"/hub/courses/{Course}/assignments/hw1/submit",
        ["GET /hub/api"] = "/hub/api",
        ["GET /hub/api/info"] = "/hub/api/info",
        ["GET /hub/api/user"] = "/hub/api/user",
        ["GET /hub/api/users"] = "/hub/api/users",
        ["GET /hub/api/users/{name}"] = "/hub/api/users/{admin}",
        ["POST /hub/api/users/{name}"] = "/hub/api/users/{admin}",
        ["DELETE /hub/api/users/{name}"] = $"/hub/api/users/{Nobody}",
        ["POST /hub/api/users/{name}/tokens"] = "/hub/api/users/{admin}/tokens",
        ["POST /hub/api/users/{name}/activity"] = "/hub/api/users/{admin}/activity",
        ["POST /hub/api/users/{name}/server"] = $"/hub/api/users/{Nobody}/server",
        ["DELETE /hub/api/users/{name}/server"] = "/hub/api/users/{admin}/server",
        ["GET /hub/api/users/{name}/server/progress"] = "/hub/api/users/{admin}/server/progress",
        ["POST /hub/api/users/{name}/server/address"] = "/hub/api/users/{admin}/server/address",
        ["GET /hub/api/oauth2/authorize"] = "/hub/api/oauth2/authorize?client_id=x&redirect_uri=y&response_type=code",
        ["POST /hub/api/oauth2/token"] = "/hub/api/oauth2/token",
        ["GET /hub/api/courses"] = "/hub/api/courses",
        ["GET /hub/api/courses/{id}/roster"] = $"/hub/api/courses/{Course}/roster",
        ["POST /hub/api/courses/{course}/assignments/{name}/submit"] = $"/hub/api/courses/{Course}/assignments/hw1/submit",
        ["GET /hub/api/courses/{course}/assignments/{name}/status"] = $"/hub/api/courses/{Course}/assignments/hw1/status",
    };

    /// <summary>API endpoints a browser opens (the OAuth redirect flow): their errors are pages, as in JupyterHub.</summary>
    private static readonly HashSet<string> BrowserFacing = new(StringComparer.Ordinal) { "GET /hub/api/oauth2/authorize" };

    private readonly HubProcess _hub = HubProcess.Create();
    private readonly string _admin = UnixUsers.NewName("corpus");
    private string _token = "";

    public async Task InitializeAsync()
    {
        await _hub.StartAsync();
        Assert.Equal(0, (await _hub.RunCliAsync("a password", "user", "add", _admin, "--password-stdin", "--admin")).ExitCode);
        _token = (await _hub.CliAsync("token", "create", _admin)).LastLine;
        Assert.Equal(0, (await _hub.CliAsync("course", "create", Course, "--title", "Corpus")).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task EveryEndpoint_EveryMalformedBody_NoServerErrorAndApiErrorsAreJson()
    {
        var endpoints = await HubEndpointsAsync();
        var missing = endpoints.Where(e => !Targets.ContainsKey(e)).ToList();
        Assert.True(missing.Count == 0, $"endpoints with no place in the corpus (add their route values to Targets): {string.Join(", ", missing)}");
        var gone = Targets.Keys.Where(k => !endpoints.Contains(k)).ToList();
        Assert.True(gone.Count == 0, $"Targets lists endpoints the hub no longer has: {string.Join(", ", gone)}");

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = _hub.Url, Timeout = TimeSpan.FromSeconds(60) };
        var failures = new List<string>();
        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            var method = endpoint[..endpoint.IndexOf(' ', StringComparison.Ordinal)];
            var path = Targets[endpoint].Replace("{admin}", _admin, StringComparison.Ordinal);
            foreach (var body in Corpus())
            {
                sent++;
                if (body.Bytes.Length > OverTheLimit)
                {
                    // The hub may answer (413, or an endpoint that reads no body) and close before the body is sent:
                    // HttpClient would report only the broken pipe, so these go over a raw socket that reads the answer.
                    var (status, head, text) = await RawHttp.SendAsync(_hub.Port, method, path, [("Authorization", "token " + _token), .. body.ContentType is null ? [] : new[] { ("Content-Type", body.ContentType) }], body.Bytes);
                    if (Problem(endpoint, status, head.Contains("application/json", StringComparison.OrdinalIgnoreCase) ? "application/json" : head, text) is { } rawProblem)
                    {
                        failures.Add($"{endpoint} ({body.Name}): {rawProblem}");
                    }

                    continue;
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body.Content() };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", _token);
                using var response = await client.SendAsync(request);
                var answer = await response.Content.ReadAsStringAsync();
                if (Problem(endpoint, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), answer) is { } problem)
                {
                    failures.Add($"{endpoint} ({body.Name}): {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests were answered badly:\n{string.Join('\n', failures)}\n--- hub output ---\n{_hub.Output}");
        using var health = await client.GetAsync("/hub/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>What is wrong with an answer: a 5xx, or an API error that is not JupyterHub's JSON.</summary>
    private static string? Problem(string endpoint, int status, string? contentType, string text)
    {
        if (status is 0 or >= 500)
        {
            return $"{status} {Shorten(text)}";
        }

        var path = endpoint[(endpoint.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        if (status < 400 || !path.StartsWith("/hub/api", StringComparison.Ordinal) || BrowserFacing.Contains(endpoint))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            return root.TryGetProperty("status", out var s) && s.GetInt32() == status && root.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 }
                ? null
                : $"{status} with a JSON body that is not {{\"status\": {status}, \"message\": \"...\"}}: {Shorten(text)}";
        }
        catch (JsonException)
        {
            return $"{status} without a JSON error body: '{Shorten(text)}' ({contentType})";
        }
    }

    /// <summary>Bodies larger than the hub's default limit (1 MB) go over <see cref="RawHttp"/>.</summary>
    private const int OverTheLimit = 1024 * 1024;

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>"METHOD /pattern" for every route endpoint of the app serve builds (plain HTTP, as in this test).</summary>
    private static async Task<List<string>> HubEndpointsAsync()
    {
        var dir = Directory.CreateTempSubdirectory("classhub-endpoints-").FullName;
        try
        {
            var (plan, problems) = ServePlan.From(new ServeSettings(dir, false, "http://127.0.0.1:1", null, null, null, null), HubConfig.Defaults());
            Assert.Empty(problems);
            var database = new HubDatabase(Path.Combine(dir, "classhub.db"));
            database.Migrate();
            var (builder, _) = HubHost.CreateBuilder(plan!, HubConfig.Defaults(), database);
            await using var app = builder!.Build();
            HubHost.MapUrlSpace(app, plan!);
            return ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(d => d.Endpoints)
                .OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Body(string Name, string? ContentType, byte[] Bytes)
    {
        public HttpContent Content()
        {
            var content = new ByteArrayContent(Bytes);
            if (ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            return content;
        }
    }

    private static Body Json(string name, string json) => new(name, "application/json", Encoding.UTF8.GetBytes(json));

    private static IEnumerable<Body> Corpus()
    {
        // Wrong types, nulls, huge numbers: every field any endpoint reads, at once.
        yield return Json("json: wrong types", """{"note": 5, "expires_in": "soon", "scopes": "all", "admin": "yes", "last_activity": 7, "servers": [], "host": 1, "port": "x"}""");
        yield return Json("json: nulls", """{"note": null, "expires_in": null, "scopes": [null], "admin": null, "last_activity": null, "servers": {"": null}, "host": null, "port": null}""");
        yield return Json("json: null", "null");
        yield return Json("json: array of null", "[null]");
        yield return Json("json: huge numbers", """{"expires_in": 99999999999999, "port": 99999999999999}""");
        yield return Json("json: numbers past any type", """{"expires_in": 1e400, "port": 1e400, "admin": 1e400}""");
        yield return Json("json: largest long", """{"expires_in": 9223372036854775807}""");
        yield return Json("json: negative", """{"expires_in": -1, "port": -1}""");
        yield return Json("json: dates out of range", """{"last_activity": "99999-01-01T00:00:00Z", "servers": {"": {"last_activity": "0000-00-00"}}}""");
        yield return Json("json: deep array", new string('[', 10_000) + new string(']', 10_000));
        yield return Json("json: deep object", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));
        yield return Json("json: deep inside a field", "{\"scopes\": " + new string('[', 5_000) + new string(']', 5_000) + "}");
        yield return Json("json: cut short", """{"note": "unterminated""");
        yield return Json("json: empty", "");
        yield return Json("json: long string", "{\"note\": \"" + new string('x', 2_000_000) + "\"}");
        yield return Json("json: many keys", "{" + string.Join(',', Enumerable.Range(0, 50_000).Select(i => $"\"k{i}\": {i}")) + "}");
        yield return new Body("json: invalid UTF-8", "application/json", [.. "{\"note\": \""u8, 0xff, 0xfe, 0xc3, .. "\"}"u8]);
        yield return new Body("json: UTF-16 says its charset", "application/json; charset=utf-16", Encoding.Unicode.GetBytes("{\"note\": \"x\"}"));

        // Multipart bodies that are not.
        yield return new Body("multipart: no boundary", "multipart/form-data", "x"u8.ToArray());
        yield return new Body("multipart: broken", "multipart/form-data; boundary=XX", "--XX\r\nbroken"u8.ToArray());
        yield return new Body("multipart: cut short", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue"u8.ToArray());
        yield return new Body("multipart: 1,100 fields", "multipart/form-data; boundary=XX", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1_100).Select(i => $"--XX\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\n{i}\r\n")) + "--XX--\r\n"));
        yield return new Body("multipart: huge part header", "multipart/form-data; boundary=XX", Encoding.ASCII.GetBytes($"--XX\r\nContent-Disposition: form-data; name=\"{new string('n', 40_000)}\"\r\n\r\nv\r\n--XX--\r\n"));
        yield return new Body("multipart: boundary too long", $"multipart/form-data; boundary={new string('b', 100)}", "x"u8.ToArray());

        // Forms that are not.
        yield return new Body("form: 1,100 fields", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(string.Join('&', Enumerable.Range(0, 1_100).Select(i => $"f{i}=1"))));
        yield return new Body("form: bad escapes", "application/x-www-form-urlencoded", "a=%zz&%%%=1&=&&"u8.ToArray());
        yield return new Body("form: value over 4 MB", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("a=" + new string('v', 5 * 1024 * 1024)));

        // Wrong content types.
        yield return new Body("wrong type: JSON sent as a form", "application/x-www-form-urlencoded", """{"note": "x"}"""u8.ToArray());
        yield return new Body("wrong type: a form sent as JSON", "application/json", "note=x&expires_in=1"u8.ToArray());
        yield return new Body("wrong type: XML", "application/xml", "<token><note>x</note></token>"u8.ToArray());
        yield return new Body("wrong type: text", "text/plain", "hello"u8.ToArray());
        yield return new Body("wrong type: none", null, "{\"note\": \"x\"}"u8.ToArray());
        yield return new Body("wrong type: garbage header", "@@@; ;; =", "x"u8.ToArray());
    }
}
