using System.Globalization;
using Classhub.Testing.Hostile;

namespace Classhub.Hub.Assignments.Tests;

/// <summary>Submitting, as root, a folder a real (hostile) student controls.</summary>
public sealed class SubmissionTakerTests
{
    private const long Cap = 8L << 20;
    private const long Small = 4L << 20;
    private const long Big = 64L << 20;

    /// <summary>
    /// The student grows a file with ftruncate while the hub copies it: a process of theirs watches the file with
    /// inotify and, at the hub's first read (after the hub has counted the size), makes it 64 MB (sparse); when the hub
    /// closes it, it shrinks it back. Counting then copying to the end stored 64 MB against an 8 MB cap.
    /// </summary>
    [Fact]
    public async Task Submit_FileGrownWithFtruncateDuringCopy_StoresNoMoreThanWasCounted()
    {
        await using var room = HostileClassroom.Create(dir => new AssignmentOptions(dir, 1 << 20, Cap));
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("README.md", "# hw1"));
        var file = Path.Combine(student.Home, "cs101", "hw1", "data.bin");
        var made = await student.PythonAsync("import os,sys; open(sys.argv[1],'wb').write(os.urandom(int(sys.argv[2])))", file, Small.ToString(CultureInfo.InvariantCulture));
        Assert.True(made.Succeeded, made.ToString());
        var log = Path.Combine(student.Home, "grower.log");
        var started = await student.ShAsync($"/usr/bin/python3 -u -c '{Grower}' '{file}' {Small} {Big} > '{log}' 2>&1 & echo $!");
        var pid = started.Stdout.Trim();
        try
        {
            await WaitForAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("ready", StringComparison.Ordinal), "the grower did not start");
            var stored = new List<long>();
            var refused = 0;
            for (var i = 0; i < 40 && GrownWhileOpen(log) < 3; i++)
            {
                var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);
                if (!result.Ok)
                {
                    Assert.Equal("too-large", result.Failure.Reason);
                    refused++;
                    continue;
                }

                stored.Add(new FileInfo(Path.Combine(result.Value.Folder, "data.bin")).Length);
            }

            var grown = GrownWhileOpen(log);
            Assert.True(grown > 0, $"the file was never grown while the hub had it open ({stored.Count} stored, {refused} refused): the race did not run\n{File.ReadAllText(log)}");
            Assert.NotEmpty(stored);
            Assert.All(stored, size => Assert.True(size <= Small, $"stored {size} bytes of data.bin, more than the {Small} counted (cap {Cap}); grown while open {grown} times"));
        }
        finally
        {
            await HostileStudent.RunAsRootAsync("/bin/kill", "-KILL", pid);
        }
    }

    [Theory]
    [InlineData(@"..\..\..\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\evil.bat", "evil.bat")]
    [InlineData("notes\nsecond line.txt", "second line.txt")]
    public async Task Submit_HostileFileName_RefusedNamingTheFile(string name, string shown)
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var made = await student.PythonAsync("import sys; open(sys.argv[1],'w').write('@echo pwned')", Path.Combine(student.Home, "cs101", "hw1", name));
        Assert.True(made.Succeeded, made.ToString());

        var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);

        Assert.False(result.Ok, $"a file named '{name}' was submitted");
        Assert.Equal("unsafe-name", result.Failure.Reason);
        Assert.Contains(shown, result.Failure.UserMessage, StringComparison.Ordinal);
        Assert.Empty(room.Assignments.Submissions("cs101", "hw1", student.Name));
    }

    [Fact]
    public async Task Submit_NameNotUtf8_RefusedNamingTheFile()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var made = await student.PythonAsync("import os,sys; os.close(os.open(os.fsencode(sys.argv[1]) + b'/bad\\xff.txt', os.O_CREAT|os.O_WRONLY, 0o644))", Path.Combine(student.Home, "cs101", "hw1"));
        Assert.True(made.Succeeded, made.ToString());

        var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);

        Assert.False(result.Ok, "a file whose name is not UTF-8 was submitted (or silently left out)");
        Assert.Equal("unsafe-name", result.Failure.Reason);
        Assert.Contains(@"bad\xff.txt", result.Failure.UserMessage, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every submission used to be kept forever. Only the newest N are; the latest is never removed, and folders a
    /// crash left (a snapshot moved into place but never recorded, a staging folder) go with the next submission.
    /// </summary>
    [Fact]
    public async Task Submit_MoreThanKept_KeepsTheNewestAndClearsWhatACrashLeft()
    {
        await using var room = HostileClassroom.Create(dir => new AssignmentOptions(dir, 1 << 20, 1 << 20, KeepSubmissions: 2));
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var folders = room.Options.SubmissionsFolder("cs101", "hw1", student.Name);
        var ids = new List<long>();
        for (var i = 1; i <= 4; i++)
        {
            await student.WriteFileAsync("cs101/hw1/analysis.ipynb", $"attempt {i}");
            if (i == 4)
            {
                Directory.CreateDirectory(Path.Combine(folders, "20261101T120000Z-abc123"));
                Directory.CreateDirectory(Path.Combine(folders, ".staging-0123456789abcdef"));
            }

            var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);
            Assert.True(result.Ok, result.Failure?.UserMessage);
            ids.Add(result.Value.Id);
        }

        var kept = room.Assignments.Submissions("cs101", "hw1", student.Name);
        Assert.Equal([ids[3], ids[2]], kept.Select(s => s.Id));
        Assert.Equal("attempt 4", File.ReadAllText(Path.Combine(room.Assignments.LatestSubmissions("cs101", "hw1").Single().Folder, "analysis.ipynb")));
        Assert.Equal(kept.Select(s => Path.GetFileName(s.Folder)).Order(StringComparer.Ordinal), Directory.GetDirectories(folders).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>The student flips a file with a link to a root-only file while the hub reads the folder: never stored.</summary>
    [Fact]
    public async Task Submit_FileFlippedWithALinkToARootFile_LinkNeverFollowed()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var secret = Path.Combine(Directory.CreateTempSubdirectory("secret-").FullName, "shadow");
        File.WriteAllText(secret, "root:$6$secret-hash");
        try
        {
            await student.WriteFileAsync("cs101/hw1/answer.txt", "mine");
            await using var swapper = await student.StartSwapperAsync(PathSwapper.Mode.Flip, Path.Combine(student.Home, "cs101", "hw1"), "answer.txt", secret);
            var leaked = 0;
            for (var i = 0; i < 100; i++)
            {
                var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);
                Assert.True(result.Ok, result.Failure?.UserMessage);
                leaked += Directory.EnumerateFiles(result.Value.Folder, "*", SearchOption.AllDirectories).Count(f => File.ReadAllText(f).Contains("secret-hash", StringComparison.Ordinal));
            }

            Assert.True(await swapper.StopAsync() > 0, "the swapper never swapped");
            Assert.Equal(0, leaked);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(secret)!, recursive: true);
        }
    }

    [Fact]
    public async Task Submit_TooManyFiles_RefusedAndNothingKept()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var made = await student.PythonAsync("import os,sys\nfor i in range(int(sys.argv[2])): os.close(os.open(os.path.join(sys.argv[1], 'f%d' % i), os.O_CREAT|os.O_WRONLY, 0o644))", Path.Combine(student.Home, "cs101", "hw1"), (SubmissionTaker.MaxEntries + 1).ToString(CultureInfo.InvariantCulture));
        Assert.True(made.Succeeded, made.ToString());

        var result = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);

        Assert.Equal("too-many-files", result.Failure?.Reason);
        Assert.Empty(Directory.GetDirectories(room.Options.SubmissionsFolder("cs101", "hw1", student.Name)));
    }

    private static int GrownWhileOpen(string log) =>
        File.Exists(log) ? File.ReadAllLines(log).Count(l => l == "grown-while-open") : 0;

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// The student's grower (argv: path, small size, big size): at the first read of the file by anyone else
    /// (IN_ACCESS after IN_OPEN) it truncates the file up to the big size; if the reader has not closed it yet (no
    /// IN_CLOSE_NOWRITE queued) it prints "grown-while-open"; at the close it truncates back to the small size.
    /// </summary>
    private const string Grower = """
import ctypes, os, select, struct, sys
path, small, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
libc = ctypes.CDLL("libc.so.6", use_errno=True)
IN_ACCESS, IN_CLOSE_NOWRITE, IN_OPEN = 0x1, 0x10, 0x20
fd = libc.inotify_init1(0)
if libc.inotify_add_watch(fd, path.encode(), IN_ACCESS | IN_CLOSE_NOWRITE | IN_OPEN) < 0:
    print("inotify failed", flush=True); sys.exit(1)
print("ready", flush=True)
opened = grown = False
while True:
    data = os.read(fd, 65536)
    i = 0
    while i < len(data):
        wd, mask, cookie, length = struct.unpack_from("iIII", data, i)
        i += 16 + length
        if mask & IN_OPEN:
            opened, grown = True, False
        if mask & IN_ACCESS and opened and not grown:
            os.truncate(path, big)
            grown = True
            if not select.select([fd], [], [], 0)[0]:
                print("grown-while-open", flush=True)
        if mask & IN_CLOSE_NOWRITE:
            opened = False
            os.truncate(path, small)
""";
}
