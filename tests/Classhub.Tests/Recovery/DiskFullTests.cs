using Classhub.Testing.Mounts;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Classhub.EndToEnd.Tests;

namespace Classhub.Recovery.Tests;

/// <summary>
/// The hub's data dir on a small tmpfs that fills up, against the AOT binary: a push (CLI, zip or folder, and the
/// course page) and a submission fail with one clean line naming the full disk and what to do, leave nothing staged
/// or half-stored, and succeed once space is freed (roster imports on a full disk: <see cref="EndToEnd.Tests.DiskFullTests"/>).
/// </summary>
[Collection("hub")]
public sealed class DiskFullTests
{
    [Fact]
    public async Task Push_DataDiskFull_OneCleanLineNamingTheDiskNothingStagedNoRelease()
    {
        using var disk = ScratchMount.Tmpfs(32);
        await using var room = await CrashClassroom.StartAsync(students: 2, Path.Combine(disk.Path, "data"));
        string[] Push(string source) => ["assignment", "push", room.Course, source, "--name", CrashClassroom.Assignment];
        room.WriteRelease(1);
        await room.CliOkAsync(Push(room.Source));
        using var staff = new Browser(room.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(room.Staff, CrashClassroom.StaffPassword)).StatusCode);
        var (zip, folder) = BigPush(room);
        disk.Fill();

        foreach (var source in new[] { zip, folder })
        {
            var refused = await room.Hub.CliAsync(Push(source));
            Assert.True(refused.ExitCode == 1, $"push of {source} on a full disk: exit {refused.ExitCode}\n{refused.Stdout}\n{refused.Stderr}");
            AssertOneCleanLine(refused.Stdout + refused.Stderr, room.DataDir);
        }

        await staff.GetAsync($"/hub/courses/{room.Course}");
        var (page, body) = await staff.PostFileAsync($"/hub/courses/{room.Course}/assignments/push", new Dictionary<string, string> { ["name"] = CrashClassroom.Assignment }, "zip", "big.zip", await File.ReadAllBytesAsync(zip));
        Assert.Equal(HttpStatusCode.InsufficientStorage, page.StatusCode);
        Assert.Contains("is full", body, StringComparison.Ordinal);
        Assert.Contains(room.DataDir, body, StringComparison.Ordinal);

        Assert.Equal(1, room.LatestRelease());
        Assert.Empty(room.DataDirLeftovers());
        Assert.Equal(["1"], Directory.EnumerateDirectories(Path.Combine(room.DataDir, "assignments", room.Course, CrashClassroom.Assignment, "releases")).Select(Path.GetFileName));
        Assert.Equal("ok", room.IntegrityCheck());

        // Nothing was left half-done in the way: with space again, the same push goes through and reaches everyone.
        disk.Free();
        await room.CliOkAsync(Push(zip));
        Assert.Equal(2, room.LatestRelease());
        Assert.True(await CrashClassroom.WaitUntilAsync(() => room.DeliveredReleases().Values.All(r => r == 2), TimeSpan.FromSeconds(30)), room.HubOutput);
        Assert.DoesNotContain("Unhandled exception", room.HubOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_DataDiskFull_CleanFailureNamingTheFolderNothingHalfStored()
    {
        using var disk = ScratchMount.Tmpfs(32);
        await using var room = await CrashClassroom.StartAsync(students: 1, Path.Combine(disk.Path, "data"));
        room.WriteRelease(1);
        await room.CliOkAsync("assignment", "push", room.Course, room.Source, "--name", CrashClassroom.Assignment);
        var student = room.Students[0];
        using var api = new HttpClient { BaseAddress = room.Hub.Url };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", (await room.CliOkAsync("token", "create", student)).LastLine);
        var submit = $"/hub/api/courses/{room.Course}/assignments/{CrashClassroom.Assignment}/submit";
        disk.Fill();

        using var refused = await api.PostAsync(submit, null);
        var message = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Contains("is full", message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(room.DataDir, "submissions"), message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.Equal(0L, room.Query("SELECT COUNT(*) FROM assignment_submissions", r => r.GetInt64(0)).Single());
        var stored = Path.Combine(room.DataDir, "submissions", room.Course, CrashClassroom.Assignment, student);
        Assert.Empty(Directory.Exists(stored) ? Directory.EnumerateFileSystemEntries(stored) : []);

        disk.Free();
        using var accepted = await api.PostAsync(submit, null);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Single(Directory.EnumerateDirectories(stored));
    }

    /// <summary>"&lt;one line&gt;" saying the disk of the data dir is full and how to see it: no stack trace, no unhandled exception.</summary>
    private static void AssertOneCleanLine(string output, string dataDir)
    {
        var line = output.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("Unhandled exception", line, StringComparison.Ordinal);
        Assert.Contains("is full", line, StringComparison.Ordinal);
        Assert.Contains(dataDir, line, StringComparison.Ordinal);
        Assert.Contains("df -h", line, StringComparison.Ordinal);
    }

    /// <summary>A push of 4 MB that does not compress (so it cannot fit a full disk): as a zip and as a folder, outside the data dir.</summary>
    private static (string Zip, string Folder) BigPush(CrashClassroom room)
    {
        var folder = Directory.CreateDirectory(Path.Combine(room.Scratch, "big")).FullName;
        for (var i = 0; i < 4; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"data{i}.bin"), RandomNumberGenerator.GetBytes(1 << 20));
        }

        var zip = folder + ".zip";
        ZipFile.CreateFromDirectory(folder, zip);
        return (zip, folder);
    }
}
