using System.Security.Cryptography;
using System.Text;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Testing.Hostile;

namespace Classhub.Hub.Assignments.Tests;

public sealed class StudentDeliveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("delivery-").FullName;

    // Every release this test made, as the delivery reads them from the releases' manifests.
    private readonly ReleaseHistory _history = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Home => Path.Combine(_dir, "home");

    private HomeAccount Account => new("alice", 0, 0, Home);

    [Fact]
    public void Deliver_Release2_EditKeptNewBesideDeletedBackUntouchedUpdated()
    {
        Directory.CreateDirectory(Home);
        var r1 = Release(1, ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"), ("notes.md", "n1"));
        var first = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, _history);
        Assert.Equal(3, first.Written);

        File.WriteAllText(Delivered("analysis.ipynb"), "my answer");
        File.Delete(Delivered("data/input.csv"));
        var r2 = Release(2, ("analysis.ipynb", "v2"), ("data/input.csv", "1,2"), ("notes.md", "n2"));
        var second = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 2, r2.Folder, r2.Files, _history);

        Assert.Equal("my answer", File.ReadAllText(Delivered("analysis.ipynb")));
        Assert.Equal("v2", File.ReadAllText(Delivered("analysis (release 2).ipynb")));
        Assert.Equal("1,2", File.ReadAllText(Delivered("data/input.csv")));
        Assert.Equal("n2", File.ReadAllText(Delivered("notes.md")));
        Assert.Equal(["analysis.ipynb → analysis (release 2).ipynb"], second.Conflicts);

        // Release 3 still sees the student's edit as theirs (no release ever had that content).
        var r3 = Release(3, ("analysis.ipynb", "v3"));
        var third = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 3, r3.Folder, r3.Files, _history);
        Assert.Equal("my answer", File.ReadAllText(Delivered("analysis.ipynb")));
        Assert.Equal("v3", File.ReadAllText(Delivered("analysis (release 3).ipynb")));
        Assert.Single(third.Conflicts);
    }

    /// <summary>
    /// The hub was killed while it delivered release 2: two files were already replaced, nothing was recorded. Those
    /// files hold what a release delivered, so release 3 replaces them; they are not the student's edits (which wrote
    /// "name (release N)" copies beside them on every later push, for good).
    /// </summary>
    [Fact]
    public void Deliver_KilledMidReleaseSoSomeFilesAreNewerThanRecorded_TakenAsDeliveredNotAsEdits()
    {
        Directory.CreateDirectory(Home);
        var r1 = Release(1, ("a.txt", "v1"), ("data/b.csv", "v1b"), ("c.txt", "v1c"));
        StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, _history);
        Release(2, ("a.txt", "v2"), ("data/b.csv", "v2b-longer"), ("c.txt", "v2c"));
        File.WriteAllText(Delivered("a.txt"), "v2");
        File.WriteAllText(Delivered("data/b.csv"), "v2b-longer");
        File.WriteAllText(Delivered("c.txt"), "my own c");

        var r3 = Release(3, ("a.txt", "v3"), ("data/b.csv", "v3b"), ("c.txt", "v3c"));
        var third = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 3, r3.Folder, r3.Files, _history);

        Assert.Equal("v3", File.ReadAllText(Delivered("a.txt")));
        Assert.Equal("v3b", File.ReadAllText(Delivered("data/b.csv")));
        Assert.Equal("my own c", File.ReadAllText(Delivered("c.txt")));
        Assert.Equal(["c.txt → c (release 3).txt"], third.Conflicts);
        Assert.False(File.Exists(Delivered("a (release 3).txt")));
        Assert.False(File.Exists(Delivered("data/b (release 3).csv")));
    }

    /// <summary>
    /// A write killed between creating its temporary file and renaming it leaves ".classhub-&lt;hex&gt;.tmp" in the
    /// student's folder (the hub's, or already given to the student); the next delivery walking that folder removes
    /// it. What the student plants under such names is never followed or blocked on: a link to a root-only file (the
    /// file is untouched), a FIFO (no hang), a folder; and a temporary file some writer still holds is left alone.
    /// </summary>
    [Fact]
    public async Task Deliver_TemporaryFilesLeftByAKilledWrite_RemovedWhatTheStudentPlantedHarmless()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"));
        var folder = Path.Combine(student.Home, "cs101", "hw1");
        var hubs = Path.Combine(folder, ".classhub-0123456789ab.tmp");
        var given = Path.Combine(folder, "data", ".classhub-abcdef012345.tmp");
        File.WriteAllText(hubs, "half a notebook");
        File.WriteAllText(given, "half a csv");
        File.SetUnixFileMode(given, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.True((await HostileStudent.RunAsRootAsync("/bin/chown", $"{student.Uid}:{student.Gid}", given)).Succeeded);
        var victim = Path.Combine(room.DataDir, "victim");
        File.WriteAllText(victim, "precious");
        var planted = await student.ShAsync(
            $"cd '{folder}' && ln -s '{victim}' .classhub-111111111111.tmp && mkfifo .classhub-222222222222.tmp && mkdir .classhub-333333333333.tmp");
        Assert.True(planted.Succeeded, planted.ToString());
        var held = Path.Combine(folder, ".classhub-444444444444.tmp");
        File.WriteAllText(held, "being written");
        using var writer = new FileStream(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var delivery = room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v2"), ("data/input.csv", "1,2,3"));
        Assert.Same(delivery, await Task.WhenAny(delivery, Task.Delay(TimeSpan.FromSeconds(60))));
        await delivery;

        Assert.False(File.Exists(hubs), "the hub's temporary file survived the next delivery");
        Assert.False(File.Exists(given), "the temporary file given to the student survived the next delivery");
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.True(File.Exists(held), "a temporary file someone holds was removed");
        Assert.Equal("v2", File.ReadAllText(Path.Combine(folder, "analysis.ipynb")));
    }

    [Fact]
    public void Deliver_CourseFolderIsSymlink_RefusedAndTargetUntouched()
    {
        Directory.CreateDirectory(Home);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(Home, "cs101"), elsewhere);
        var r1 = Release(1, ("a.txt", "x"));

        var error = Assert.Throws<TreeException>(() => StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, _history));

        Assert.Contains("not a folder", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public void Deliver_FileReplacedBySymlink_LinkKeptNewVersionBeside()
    {
        Directory.CreateDirectory(Home);
        var r1 = Release(1, ("a.txt", "x"));
        StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, _history);
        var outside = Path.Combine(_dir, "outside.txt");
        File.WriteAllText(outside, "precious");
        File.Delete(Delivered("a.txt"));
        File.CreateSymbolicLink(Delivered("a.txt"), outside);

        var r2 = Release(2, ("a.txt", "y"));
        StudentDelivery.Deliver(Account, false, "cs101", "hw1", 2, r2.Folder, r2.Files, _history);

        Assert.Equal("precious", File.ReadAllText(outside));
        Assert.Equal("y", File.ReadAllText(Delivered("a (release 2).txt")));
    }

    /// <summary>Even in an open home (0755), a classmate cannot read delivered files, edited or not, nor new ones beside them.</summary>
    [Fact]
    public async Task Deliver_OpenHomes_AnotherStudentCannotReadDeliveredOrEditedFiles()
    {
        await using var room = HostileClassroom.Create();
        var alice = await room.EnrolAsync(homeMode: "0755");
        var mallory = await room.EnrolAsync(homeMode: "0755");
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"));
        await alice.WriteFileAsync("cs101/hw1/analysis.ipynb", "alice's answer");
        await alice.WriteFileAsync("cs101/hw1/scratch.py", "alice's scratch");

        foreach (var path in (string[])["cs101/hw1/analysis.ipynb", "cs101/hw1/data/input.csv", "cs101/hw1/scratch.py"])
        {
            var peek = await mallory.RunAsync("/bin/cat", Path.Combine(alice.Home, path));
            Assert.False(peek.Succeeded, $"{mallory.Name} read {alice.Name}'s {path}: {peek}");
            Assert.Contains("Permission denied", peek.Stderr, StringComparison.Ordinal);
        }

        var delivered = Path.Combine(alice.Home, "cs101", "hw1");
        Assert.Equal(0x1C0, (int)File.GetUnixFileMode(Path.Combine(alice.Home, "cs101")));
        Assert.Equal(0x1C0, (int)File.GetUnixFileMode(delivered));
        Assert.Equal(0x1C0, (int)File.GetUnixFileMode(Path.Combine(delivered, "data")));
        Assert.Equal(0x180, (int)File.GetUnixFileMode(Path.Combine(delivered, "data", "input.csv")));
    }

    /// <summary>
    /// The student turns a delivered file into a sparse 4 GB file (it costs them no disk): to tell an edit from the
    /// delivered version, root hashed the whole of it, on every delivery, while their delivery worker was tied up.
    /// </summary>
    [Fact]
    public async Task Deliver_DeliveredFileMadeHugeAndSparse_NotReadThrough()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var made = await student.PythonAsync("import os,sys\nfor p in sys.argv[1:]: open(p, 'a').close(); os.truncate(p, 4 << 30)", Path.Combine(student.Home, "cs101", "hw1", "analysis.ipynb"), Path.Combine(student.Home, "cs101", "hw1", "analysis (release 2).ipynb"));
        Assert.True(made.Succeeded, made.ToString());

        var before = BytesReadByThisProcess();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v2"));
        var read = BytesReadByThisProcess() - before;

        Assert.True(read < 1L << 30, $"delivering read {read} bytes: the student's sparse file was read through");
        Assert.Equal("v2", File.ReadAllText(Path.Combine(student.Home, "cs101", "hw1", "analysis (release 2, 2).ipynb")));
    }

    /// <summary>rchar of /proc/self/io: every byte this process read with read(2) and friends, from any file.</summary>
    internal static long BytesReadByThisProcess() =>
        long.Parse(File.ReadAllLines("/proc/self/io").Single(l => l.StartsWith("rchar:", StringComparison.Ordinal))[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private string Delivered(string path) => Path.Combine(Home, "cs101", "hw1", path);

    private (string Folder, List<ReleaseFile> Files) Release(int n, params (string Path, string Text)[] files)
    {
        var folder = Path.Combine(_dir, "releases", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var list = new List<ReleaseFile>();
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            list.Add(new ReleaseFile(path, text.Length, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))));
        }

        _history.Add(list);
        return (folder, list);
    }
}
