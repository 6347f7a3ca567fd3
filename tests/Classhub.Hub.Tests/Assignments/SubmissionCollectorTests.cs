using Classhub.Hub.Assignments.Files;
using Classhub.Testing.Hostile;

namespace Classhub.Hub.Assignments.Tests;

/// <summary><c>assignment collect --to DIR</c> as root, where DIR is a folder a real (hostile) student can write to.</summary>
public sealed class SubmissionCollectorTests
{
    [Fact]
    public async Task Collect_StudentPlantedALinkInDir_RefusedAndTheLinkTargetUntouched()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        await student.WriteFileAsync("cs101/hw1/analysis.ipynb", "* * * * * root /tmp/pwn");
        Assert.True((await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None)).Ok);
        var victim = VictimFile();
        var dir = SharedFolder();
        try
        {
            var planted = await student.ShAsync($"mkdir '{dir}/{student.Name}' && ln -s '{victim}' '{dir}/{student.Name}/analysis.ipynb'");
            Assert.True(planted.Succeeded, planted.ToString());

            var error = Collect(room, dir);

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Contains($"{dir}/{student.Name} already exists; collect into an empty folder or remove it", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            Directory.Delete(Path.GetDirectoryName(victim)!, recursive: true);
        }
    }

    /// <summary>The student swaps DIR/&lt;student&gt; for a link to another folder the moment the hub creates it.</summary>
    [Fact]
    public async Task Collect_StudentSwapsTheNewFolderForALink_NothingWrittenThroughIt()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        Assert.True((await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None)).Ok);
        var victim = Path.GetDirectoryName(VictimFile())!;
        try
        {
            var swaps = 0;
            var attempts = 0;
            for (; attempts < 30 && Directory.GetFileSystemEntries(victim).Length == 1; attempts++)
            {
                var dir = SharedFolder();
                try
                {
                    await using var swapper = await student.StartSwapperAsync(PathSwapper.Mode.OnCreate, dir, student.Name, victim);
                    _ = Collect(room, dir);
                    swaps += await swapper.StopAsync();
                }
                finally
                {
                    Directory.Delete(dir, recursive: true);
                }
            }

            Assert.True(swaps > 0, "the swapper never swapped: the race did not run");
            Assert.Equal(["victim.txt"], Directory.GetFileSystemEntries(victim).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(victim, recursive: true);
        }
    }

    [Fact]
    public async Task Collect_IntoANewFolder_PrivateTreeGivenToTheStaffMember()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await using var ta = await HostileStudent.CreateAsync("ta");
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"));
        Assert.True((await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None)).Ok);
        var parent = Directory.CreateTempSubdirectory("collect-").FullName;
        File.SetUnixFileMode(parent, (UnixFileMode)0x1ED);
        var dir = Path.Combine(parent, "hw1");
        try
        {
            var result = SubmissionCollector.Collect(room.Assignments.LatestSubmissions("cs101", "hw1"), dir, new FileOwner(ta.Uid, ta.Gid));

            Assert.True(result.Ok, result.Failure?.UserMessage);
            Assert.Equal(2, Assert.Single(result.Value).Files);
            foreach (var (path, mode) in new[] { ("", 0x1C0), (student.Name, 0x1C0), ($"{student.Name}/data", 0x1C0), ($"{student.Name}/analysis.ipynb", 0x180), ($"{student.Name}/data/input.csv", 0x180) })
            {
                var full = Path.Combine(dir, path);
                Assert.Equal(mode, (int)File.GetUnixFileMode(full));
                Assert.Equal(ta.Name, (await HostileStudent.RunAsRootAsync("/usr/bin/stat", "-c", "%U", full)).Stdout.Trim());
            }

            var read = await ta.RunAsync("/bin/cat", Path.Combine(dir, student.Name, "data", "input.csv"));
            Assert.Equal("1,2", read.Stdout + read.Stderr);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    /// <summary>A name stored before names were checked at submit time is left out of the collected copy, and said so.</summary>
    [Fact]
    public async Task Collect_StoredUnsafeName_LeftOutAndReported()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var submitted = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);
        File.WriteAllText(Path.Combine(submitted.Value!.Folder, @"..\..\evil.bat"), "@echo pwned");
        var dir = Directory.CreateTempSubdirectory("collect-").FullName;
        try
        {
            var result = SubmissionCollector.Collect(room.Assignments.LatestSubmissions("cs101", "hw1"), dir, null);

            var collected = Assert.Single(result.Value!);
            Assert.Equal(["analysis.ipynb"], Directory.GetFileSystemEntries(Path.Combine(dir, student.Name)).Select(Path.GetFileName));
            Assert.Contains(collected.Skipped, s => s.StartsWith(@"..\..\evil.bat: it contains a backslash", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Collects the latest submissions into <paramref name="dir"/>; the error message, or null.</summary>
    private static string? Collect(HostileClassroom room, string dir) =>
        SubmissionCollector.Collect(room.Assignments.LatestSubmissions("cs101", "hw1"), dir, null).Failure?.UserMessage;

    /// <summary>A folder anyone may write to (a shared folder, as on a lab server), as the staff member's DIR.</summary>
    private static string SharedFolder()
    {
        var dir = Directory.CreateTempSubdirectory("collect-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        return dir;
    }

    /// <summary>A root-only file the student must not get written (say /etc/cron.d/x), in a folder of its own.</summary>
    private static string VictimFile()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("victim-").FullName, "victim.txt");
        File.WriteAllText(file, "precious");
        return file;
    }
}
