using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A TA (course staff, not an admin) tries to share host folders with their students through the course page: only
/// folders under datasets.roots (default /srv) are accepted, symlinks are judged by where they lead, and system
/// folders (/etc, /root, the hub's data directory ...) are refused even to an admin.
/// </summary>
public sealed class DatasetRootsHostileTests(HubFixture fixture) : IClassFixture<HubFixture>, IDisposable
{
    private const string Password = "ta password";
    private readonly string _underSrv = Directory.CreateDirectory("/srv/classhub-e2e-" + Guid.NewGuid().ToString("N")[..8]).FullName;
    private readonly string _outsideRoots = Directory.CreateTempSubdirectory("classhub-outside-roots-").FullName;

    public void Dispose()
    {
        Directory.Delete(_underSrv, recursive: true);
        Directory.Delete(_outsideRoots, recursive: true);
    }

    [Fact]
    public async Task Ta_SharesSystemFoldersOrASymlinkToEtc_Refused_OnlyFoldersUnderTheRootsAccepted()
    {
        var course = "dr" + Guid.NewGuid().ToString("N")[..6];
        await CliOkAsync("course", "create", course, "--title", "Roots " + course);
        var ta = await fixture.CreateUserAsync(Password);
        await CliOkAsync("course", "staff", "add", course, ta, "--role", "ta");
        var etcLink = Path.Combine(_underSrv, "etc-link");
        File.CreateSymbolicLink(etcLink, "/etc");
        var data = Directory.CreateDirectory(Path.Combine(_underSrv, "iris")).FullName;

        using var page = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await page.SignInAsync(ta, Password)).StatusCode);
        foreach (var (name, path) in new[] { ("etc", "/etc"), ("root", "/root"), ("state", fixture.Hub.DataDir), ("link", etcLink), ("linkchild", etcLink + "/ssl"), ("dotdot", _underSrv + "/../../etc"), ("outside", _outsideRoots) })
        {
            await page.GetAsync($"/hub/courses/{course}");
            var (response, body) = await page.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = name, ["path"] = path });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"the TA's dataset '{name}' ({path}) answered {(int)response.StatusCode}, not 400");
            Assert.Contains("Dataset not changed", body, StringComparison.Ordinal);
        }

        Assert.Equal("[]", (await CliOkAsync("dataset", "list", course, "--json")).Stdout.Trim());

        await page.GetAsync($"/hub/courses/{course}");
        var (added, _) = await page.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "iris" + course, ["path"] = data });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"\"path\": \"{data}\"", (await CliOkAsync("dataset", "list", course, "--json")).Stdout, StringComparison.Ordinal);
        await CliOkAsync("dataset", "remove", course, "iris" + course);
    }

    [Fact]
    public async Task Admin_SharesAnyFolderButSystemOnes()
    {
        var course = "da" + Guid.NewGuid().ToString("N")[..6];
        await CliOkAsync("course", "create", course, "--title", "Admin " + course);

        // The CLI (root) and a hub admin may share a folder outside datasets.roots ...
        await CliOkAsync("dataset", "add", course, "outside" + course, _outsideRoots);
        await CliOkAsync("dataset", "remove", course, "outside" + course);
        var admin = await fixture.CreateUserAsync(Password, admin: true);
        using var page = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await page.SignInAsync(admin, Password)).StatusCode);
        await page.GetAsync($"/hub/courses/{course}");
        var (byAdmin, _) = await page.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "adm" + course, ["path"] = _outsideRoots });
        Assert.Equal(HttpStatusCode.Redirect, byAdmin.StatusCode);
        await CliOkAsync("dataset", "remove", course, "adm" + course);

        // ... but never a system folder, the hub's state, or a symlink to one.
        var etcLink = Path.Combine(_underSrv, "etc-link");
        File.CreateSymbolicLink(etcLink, "/etc");
        foreach (var path in new[] { "/etc", "/root", "/proc", "/", fixture.Hub.DataDir, etcLink })
        {
            var refused = await fixture.Hub.CliAsync("dataset", "add", course, "sys", path);
            Assert.True(refused.ExitCode != 0, $"the CLI shared {path}");
            Assert.Contains("cannot be shared", refused.Stderr, StringComparison.Ordinal);

            await page.GetAsync($"/hub/courses/{course}");
            var (response, _) = await page.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "sys", ["path"] = path });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"a hub admin shared {path}: {(int)response.StatusCode}");
        }

        Assert.Equal("[]", (await CliOkAsync("dataset", "list", course, "--json")).Stdout.Trim());
    }

    private async Task<CliResult> CliOkAsync(params string[] args)
    {
        var result = await fixture.Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed: {result.Stderr}");
        return result;
    }
}
