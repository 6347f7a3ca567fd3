using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Classhub.Testing.Mounts;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// The hub's data dir on a small tmpfs that fills up (a real full disk): /hub/health says so, roster imports from the
/// CLI and the course page fail with one clean line naming the folder and the fix, nothing is half-applied, and once
/// space is freed the same import goes through.
/// </summary>
[Collection("hub")]
public sealed partial class DiskFullTests : IAsyncLifetime
{
    private const string Course = "full101";
    private readonly ScratchMount _disk = ScratchMount.Tmpfs(24);
    private readonly string _configDir = Directory.CreateTempSubdirectory("classhub-diskfull-config-").FullName;
    private readonly string _admin = UnixUsers.NewName("full");
    private HubProcess _hub = null!;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_configDir, "classhub.json");
        await File.WriteAllTextAsync(config, """{ "health": { "min_free_mb": 8 } }""");
        _hub = HubProcess.Create(_disk.Path);
        try
        {
            await _hub.StartAsync("--config", config);
            Assert.Equal(0, (await _hub.RunCliAsync("admin password", "user", "add", _admin, "--password-stdin", "--admin")).ExitCode);
            Assert.Equal(0, (await _hub.CliAsync("course", "create", Course, "--title", "Full")).ExitCode);
        }
        catch
        {
            // xunit does not call DisposeAsync when this fails: the mount must not outlive the test.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _disk.Dispose();
        Directory.Delete(_configDir, recursive: true);
    }

    [Fact]
    public async Task FullDisk_HealthDegraded_ImportsFailCleanlyChangingNothing_ThenSucceedOnceFreed()
    {
        using var browser = new Browser(_hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(_admin, "admin password")).StatusCode);
        await browser.GetAsync($"/hub/courses/{Course}");
        var (health, _) = await HealthAsync();
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.True(health["checks"]!["disk"]!["ok"]!.GetValue<bool>());

        // Previewed while there was space: its confirmation comes after the disk filled up.
        var (preview, plan) = await browser.PostFileAsync($"/hub/courses/{Course}/roster/preview", new Dictionary<string, string> { ["format"] = "auto" }, "file", "roster.csv", Roster("a", 40));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var upload = UploadField().Match(plan).Groups[1].Value;
        var rosterFile = Path.Combine(_configDir, "roster.csv");
        await File.WriteAllBytesAsync(rosterFile, Roster("c", 40));

        _disk.Fill();

        var (degraded, status) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("degraded", degraded["status"]!.GetValue<string>());
        Assert.False(degraded["checks"]!["disk"]!["ok"]!.GetValue<bool>());
        Assert.Contains($"0 B free on the disk holding {_disk.Path}", degraded["checks"]!["disk"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var cli = await _hub.CliAsync("roster", "import", Course, rosterFile);
        Assert.Equal(1, cli.ExitCode);
        var line = Assert.Single(cli.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith($"classhub roster import: the disk holding {_disk.Path} is full", line, StringComparison.Ordinal);
        Assert.Contains($"df -h {_disk.Path}", line, StringComparison.Ordinal);

        var (webPreview, previewPage) = await browser.PostFileAsync($"/hub/courses/{Course}/roster/preview", new Dictionary<string, string> { ["format"] = "auto" }, "file", "roster.csv", Roster("b", 40));
        AssertCleanDiskFullPage(webPreview, previewPage);

        var (apply, applyPage) = await browser.PostFormAsync($"/hub/courses/{Course}/roster/apply", ApplyFields(upload));
        AssertCleanDiskFullPage(apply, applyPage);
        Assert.Empty(await StudentsAsync());

        _disk.Free();

        var (recovered, _) = await HealthAsync();
        Assert.Equal("ok", recovered["status"]!.GetValue<string>());
        await browser.GetAsync($"/hub/courses/{Course}");
        var (again, _) = await browser.PostFormAsync($"/hub/courses/{Course}/roster/apply", ApplyFields(upload));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(40, (await StudentsAsync()).Count);
        Assert.Equal(0, (await _hub.CliAsync("roster", "import", Course, rosterFile)).ExitCode);
        Assert.Equal(80, (await StudentsAsync()).Count);
    }

    private void AssertCleanDiskFullPage(HttpResponseMessage response, string page)
    {
        var text = WebUtility.HtmlDecode(page);
        Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)response.StatusCode}: {text}\n{_hub.Output}");
        Assert.Matches($"not saved: the disk holding {Regex.Escape(_disk.Path)}(/uploads)? is full", text);
        Assert.DoesNotContain("   at ", page, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ApplyFields(string upload) =>
        new() { ["upload"] = upload, ["format"] = "auto", ["drop_missing"] = "false", ["skip_invalid"] = "false" };

    private static byte[] Roster(string prefix, int count) =>
        Encoding.UTF8.GetBytes("Username,Name,Email\r\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"{prefix}stu{i},Student {i},{prefix}{i}@example.edu\r\n")));

    private async Task<(JsonNode Body, HttpStatusCode Status)> HealthAsync()
    {
        using var client = new HttpClient { BaseAddress = _hub.Url };
        using var response = await client.GetAsync("/hub/health");
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!, response.StatusCode);
    }

    private async Task<List<string>> StudentsAsync()
    {
        var list = await _hub.CliAsync("roster", "list", Course, "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        return [.. JsonNode.Parse(list.Stdout)!.AsArray().Where(m => m!["role"]!.GetValue<string>() == "student").Select(m => m!["username"]!.GetValue<string>())];
    }

    [GeneratedRegex("name=\"upload\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex UploadField();
}
