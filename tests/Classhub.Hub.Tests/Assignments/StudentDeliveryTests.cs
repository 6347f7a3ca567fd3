using System.Security.Cryptography;
using System.Text;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;

namespace Classhub.Hub.Assignments.Tests;

public sealed class StudentDeliveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("delivery-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Home => Path.Combine(_dir, "home");

    private HomeAccount Account => new("alice", 0, 0, Home);

    [Fact]
    public void Deliver_Release2_EditKeptNewBesideDeletedBackUntouchedUpdated()
    {
        Directory.CreateDirectory(Home);
        var r1 = Release(1, ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"), ("notes.md", "n1"));
        var first = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, new Dictionary<string, string>());
        Assert.Equal(3, first.Written);

        File.WriteAllText(Delivered("analysis.ipynb"), "my answer");
        File.Delete(Delivered("data/input.csv"));
        var r2 = Release(2, ("analysis.ipynb", "v2"), ("data/input.csv", "1,2"), ("notes.md", "n2"));
        var second = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 2, r2.Folder, r2.Files, first.Recorded);

        Assert.Equal("my answer", File.ReadAllText(Delivered("analysis.ipynb")));
        Assert.Equal("v2", File.ReadAllText(Delivered("analysis (release 2).ipynb")));
        Assert.Equal("1,2", File.ReadAllText(Delivered("data/input.csv")));
        Assert.Equal("n2", File.ReadAllText(Delivered("notes.md")));
        Assert.Equal(["analysis.ipynb → analysis (release 2).ipynb"], second.Conflicts);

        // Release 3 still sees the student's edit as theirs (the recorded hash is the one delivered before the edit).
        var r3 = Release(3, ("analysis.ipynb", "v3"));
        var third = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 3, r3.Folder, r3.Files, second.Recorded);
        Assert.Equal("my answer", File.ReadAllText(Delivered("analysis.ipynb")));
        Assert.Equal("v3", File.ReadAllText(Delivered("analysis (release 3).ipynb")));
        Assert.Single(third.Conflicts);
    }

    [Fact]
    public void Deliver_CourseFolderIsSymlink_RefusedAndTargetUntouched()
    {
        Directory.CreateDirectory(Home);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(Home, "cs101"), elsewhere);
        var r1 = Release(1, ("a.txt", "x"));

        var error = Assert.Throws<TreeException>(() => StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, new Dictionary<string, string>()));

        Assert.Contains("not a folder", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public void Deliver_FileReplacedBySymlink_LinkKeptNewVersionBeside()
    {
        Directory.CreateDirectory(Home);
        var r1 = Release(1, ("a.txt", "x"));
        var first = StudentDelivery.Deliver(Account, false, "cs101", "hw1", 1, r1.Folder, r1.Files, new Dictionary<string, string>());
        var outside = Path.Combine(_dir, "outside.txt");
        File.WriteAllText(outside, "precious");
        File.Delete(Delivered("a.txt"));
        File.CreateSymbolicLink(Delivered("a.txt"), outside);

        var r2 = Release(2, ("a.txt", "y"));
        StudentDelivery.Deliver(Account, false, "cs101", "hw1", 2, r2.Folder, r2.Files, first.Recorded);

        Assert.Equal("precious", File.ReadAllText(outside));
        Assert.Equal("y", File.ReadAllText(Delivered("a (release 2).txt")));
    }

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

        return (folder, list);
    }
}
