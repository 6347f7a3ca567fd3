using System.IO.Compression;
using System.Net;
using Classhub.EndToEnd.Tests;
using Classhub.Testing.Hostile;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A hostile student against the assignment files, through the AOT binary as root: a name that becomes a zip-slip in
/// the staff's submissions.zip, and a link planted where <c>assignment collect</c> writes.
/// </summary>
public sealed class AssignmentFileTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task SubmitAndCollect_HostileNamesAndPlantedLinks_NothingEscapes()
    {
        var course = "c" + Guid.NewGuid().ToString("N")[..8];
        var name = await fixture.CreateUserAsync();
        await Cli("course", "create", course, "--title", "Hostile files");
        var csv = Path.Combine(Directory.CreateTempSubdirectory("roster-").FullName, "roster.csv");
        File.WriteAllLines(csv, ["username,name,email", $"{name},Student,{name}@example.edu"]);
        await Cli("roster", "import", course, csv);
        var source = Directory.CreateTempSubdirectory("push-").FullName;
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "release 1");
        await Cli("assignment", "push", course, source, "--name", "hw1");
        var student = await HostileStudent.AdoptAsync(name);
        using var api = fixture.ApiClient(await fixture.TokenAsync(name));
        using var staff = fixture.ApiClient(await fixture.TokenAsync(await fixture.CreateUserAsync(admin: true)));

        // A first, honest submission; then a file whose name is a Windows path out of the extraction folder.
        await student.WriteFileAsync($"{course}/hw1/analysis.ipynb", "my answer");
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync($"/hub/api/courses/{course}/assignments/hw1/submit", null)).StatusCode);
        var evil = @"..\..\..\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\evil.bat";
        await student.WriteFileAsync($"{course}/hw1/{evil}", "@echo pwned");
        var hostile = await api.PostAsync($"/hub/api/courses/{course}/assignments/hw1/submit", null);

        var download = await staff.GetAsync($"/hub/courses/{course}/assignments/hw1/submissions.zip");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        using (var zip = new ZipArchive(await download.Content.ReadAsStreamAsync()))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.All(entries, e => Assert.True(!e.Contains('\\', StringComparison.Ordinal) && !e.Split('/').Contains(".."), $"submissions.zip has the entry '{e}'"));
            Assert.Contains($"{name}/analysis.ipynb", entries);
        }

        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Contains("evil.bat", await hostile.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // collect --to a shared folder where the student planted DIR/<student>/analysis.ipynb -> a root-only file.
        var victim = Path.Combine(Directory.CreateTempSubdirectory("victim-").FullName, "x");
        File.WriteAllText(victim, "precious");
        var dir = Directory.CreateTempSubdirectory("collect-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        var planted = await student.ShAsync($"mkdir '{dir}/{name}' && ln -s '{victim}' '{dir}/{name}/analysis.ipynb'");
        Assert.True(planted.Succeeded, planted.ToString());

        var collect = await Hub.CliAsync("assignment", "collect", course, "hw1", "--to", dir);

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal(1, collect.ExitCode);
        Assert.Contains($"{dir}/{name} already exists; collect into an empty folder or remove it", collect.Stderr, StringComparison.Ordinal);

        // Into an empty folder it works, and what it writes is private.
        var fresh = Path.Combine(Directory.CreateTempSubdirectory("collect-").FullName, "hw1");
        await Cli("assignment", "collect", course, "hw1", "--to", fresh);
        Assert.Equal("my answer", File.ReadAllText(Path.Combine(fresh, name, "analysis.ipynb")));
        Assert.Equal(0x1C0, (int)File.GetUnixFileMode(Path.Combine(fresh, name)));
        Assert.Equal(0x180, (int)File.GetUnixFileMode(Path.Combine(fresh, name, "analysis.ipynb")));
    }

    private async Task<CliResult> Cli(params string[] args)
    {
        var result = await Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        return result;
    }
}
