using System.Text;
using Classhub.Core.Users;
using Classhub.Testing.Hostile;

namespace Classhub.Hub.StudentFiles.Tests;

/// <summary>
/// The viewer reads a home as root, against a real student who plants links, pipes and files that are not theirs, and
/// races the walk with renameat2: root must never read anything outside the home, nor anything that is not theirs.
/// </summary>
public sealed class HomeFilesTests : IAsyncLifetime
{
    private HostileStudent _student = null!;
    private string _secretFolder = null!;

    private HomeAccount Account => new(_student.Name, _student.Uid, _student.Gid, _student.Home);

    public async Task InitializeAsync()
    {
        _student = await HostileStudent.CreateAsync("hf");
        await _student.WriteFileAsync("c1/hw/notes.txt", "mine");
        // Outside the home, where the student cannot go (0700 root), a file that is nevertheless theirs: only the walk,
        // not the ownership check, keeps it from being shown when a link leads there.
        _secretFolder = Directory.CreateTempSubdirectory("classhub-secret-").FullName;
        var secret = Path.Combine(_secretFolder, "notes.txt");
        await File.WriteAllTextAsync(secret, "root's secret");
        Assert.True((await HostileStudent.RunAsRootAsync("/bin/chown", $"{_student.Uid}:{_student.Gid}", secret)).Succeeded);
    }

    public async Task DisposeAsync()
    {
        await _student.DisposeAsync();
        Directory.Delete(_secretFolder, recursive: true);
    }

    [Fact]
    public void Open_TheirFile_ReadsIt_AndTheFolderListsIt()
    {
        var file = Assert.IsType<HomeItem.File>(HomeFiles.Open(Account, ["c1", "hw", "notes.txt"]));
        using var handle = file.Handle;
        var folder = Assert.IsType<HomeItem.Folder>(HomeFiles.Open(Account, ["c1", "hw"]));

        Assert.Equal("mine", Read(file));
        Assert.Equal([new HomeEntry("notes.txt", EntryKind.File, 4)], folder.Entries);
    }

    [Fact]
    public async Task Open_LinksPipesAndOthersFiles_AreListedForWhatTheyAre_AndNeverOpened()
    {
        var planted = await _student.ShAsync($"cd ~/c1 && ln -s {_secretFolder}/notes.txt link.txt && ln -s {_secretFolder} dirlink && mkfifo pipe.txt");
        Assert.True(planted.Succeeded, planted.ToString());
        var foreign = Path.Combine(_student.Home, "c1", "foreign.txt");
        await File.WriteAllTextAsync(foreign, "root's words"); // owned by root, in the student's folder

        var folder = Assert.IsType<HomeItem.Folder>(HomeFiles.Open(Account, ["c1"]));

        Assert.Equal(EntryKind.Link, folder.Entries.Single(e => e.Name == "link.txt").Kind);
        Assert.Equal(EntryKind.Link, folder.Entries.Single(e => e.Name == "dirlink").Kind);
        Assert.Equal(EntryKind.Special, folder.Entries.Single(e => e.Name == "pipe.txt").Kind);
        Assert.Equal(EntryKind.NotTheirs, folder.Entries.Single(e => e.Name == "foreign.txt").Kind);
        Assert.Null(HomeFiles.Open(Account, ["c1", "link.txt"]));
        Assert.Null(HomeFiles.Open(Account, ["c1", "dirlink", "notes.txt"]));
        Assert.Null(HomeFiles.Open(Account, ["c1", "pipe.txt"])); // would block forever if it were opened for reading
        Assert.Null(HomeFiles.Open(Account, ["c1", "foreign.txt"]));
        Assert.Null(HomeFiles.Open(Account, ["c1", "..", "..", "etc", "shadow"]));
    }

    [Theory]
    [InlineData("c1", "hw")]
    [InlineData("c1/hw", "notes.txt")]
    public async Task Open_StudentSwapsAFolderOrTheFileForALinkOutOfTheHome_RootNeverReadsThere(string folder, string name)
    {
        var target = name == "hw" ? _secretFolder : Path.Combine(_secretFolder, "notes.txt");
        await using var swapper = await _student.StartSwapperAsync(PathSwapper.Mode.Flip, Path.Combine(_student.Home, folder), name, target);
        var redirected = 0;
        var read = 0;
        for (var i = 0; i < 2000; i++)
        {
            var file = HomeFiles.Open(Account, ["c1", "hw", "notes.txt"]) as HomeItem.File;
            using var handle = file?.Handle;
            var content = file is null ? null : Read(file);
            redirected += content == "root's secret" ? 1 : 0;
            read += content == "mine" ? 1 : 0;
        }

        var swaps = await swapper.StopAsync();

        Assert.True(swaps > 0, "the swapper never swapped");
        Assert.Equal(0, redirected);
        Assert.True(read > 0, $"the file was never read in 2000 tries ({swaps} swaps)");
    }

    private static string Read(HomeItem.File file)
    {
        var bytes = new byte[file.Size];
        var n = RandomAccess.Read(file.Handle, bytes, 0);
        return Encoding.UTF8.GetString(bytes, 0, n);
    }
}
