using Classhub.Core.Courses;
using Classhub.Core.Datasets;
using Classhub.Hub.Datasets;
using Classhub.Hub.Hosting;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Datasets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Tests.Datasets;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-catalog-").FullName;
    private readonly DatasetStore _store;
    private readonly DatasetCatalog _catalog;
    private readonly string _home;
    private readonly string _data;

    public DatasetCatalogTests()
    {
        var database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        database.Migrate();
        var courses = new CourseStore(database, TimeProvider.System);
        courses.Create("cs101", "Intro", null);
        new RosterStore(database, TimeProvider.System).Apply("cs101", _ => (0, new RosterWrite([new CourseMember("cs101", "alice", CourseRole.Student, null, null, null, MemberStatus.Active)], [])));
        _store = new DatasetStore(database, TimeProvider.System);
        _home = Directory.CreateDirectory(Path.Combine(_dir, "home", "alice")).FullName;
        _data = Directory.CreateDirectory(Path.Combine(_dir, "srv", "iris")).FullName;
        _catalog = new DatasetCatalog(_store, courses, user => user == "alice" ? _home : null, new DatasetPolicy([Path.Combine(_dir, "srv")], Path.Combine(_dir, "state"), Path.Combine(_dir, "mounts")));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Add_ExistingFolder_StoresResolvedPath()
    {
        var link = Path.Combine(_dir, "iris-link");
        File.CreateSymbolicLink(link, _data);

        Assert.Null(_catalog.Add("cs101", "iris", link, byAdmin: true));

        Assert.Equal(_data, _store.ForCourse("cs101").Single().Path);
    }

    [Fact]
    public void Add_SymlinkIntoStudentHome_RefusedNamingTheStudent()
    {
        var sneaky = Path.Combine(_dir, "srv", "sneaky");
        File.CreateSymbolicLink(sneaky, _home);

        var problem = _catalog.Add("cs101", "sneaky", sneaky, byAdmin: true);

        Assert.Contains("home of student alice", problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Theory]
    [InlineData("iris", "relative/path", "is not absolute")]
    [InlineData("iris", "/nonexistent/classhub", "does not exist")]
    [InlineData("Bad Name", "/tmp", "is not a valid dataset name")]
    [InlineData("root", "/", "cannot be shared")]
    public void Add_BadInput_ClearProblemNothingStored(string name, string path, string expected)
    {
        var problem = _catalog.Add("cs101", name, path, byAdmin: true);

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.StartsWith($"adding dataset '{name}' to cs101: ", problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Fact]
    public void Add_AFile_RefusedAsNotAFolder()
    {
        var file = Path.Combine(_data, "data.csv");
        File.WriteAllText(file, "x");

        Assert.Contains("is not a folder", _catalog.Add("cs101", "one", file, byAdmin: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Add_ByStaff_FolderUnderARoot_Stored()
    {
        Assert.Null(_catalog.Add("cs101", "iris", _data, byAdmin: false));

        Assert.Equal(_data, _store.ForCourse("cs101").Single().Path);
    }

    [Fact]
    public void Add_ByStaff_FolderOutsideTheRoots_RefusedNamingTheRoots_AdminMayShareIt()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;

        var problem = _catalog.Add("cs101", "elsewhere", outside, byAdmin: false);

        Assert.Contains("is outside the folders course staff may share (datasets.roots: " + Path.Combine(_dir, "srv"), problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
        Assert.Null(_catalog.Add("cs101", "elsewhere", outside, byAdmin: true));
    }

    [Fact]
    public void Add_ByStaff_SymlinkUnderARootLeadingOutside_RefusedSayingWhereItLeads()
    {
        var link = Path.Combine(_dir, "srv", "etc");
        File.CreateSymbolicLink(link, "/etc");

        var problem = _catalog.Add("cs101", "etc", link, byAdmin: false);

        Assert.Contains($"'{link}' (it leads to /etc) cannot be shared: it is /etc, a system folder", problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/etc/ssl")]
    [InlineData("/root")]
    [InlineData("/home")]
    [InlineData("/proc/self")]
    [InlineData("/sys")]
    [InlineData("/run")]
    [InlineData("/")]
    public void Add_SystemFolder_RefusedEvenToAnAdmin(string path)
    {
        var problem = _catalog.Add("cs101", "sys", path, byAdmin: true);

        Assert.Contains("cannot be shared: it ", problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Fact]
    public void Add_TheDataDirectoryOrAFolderHoldingIt_RefusedEvenToAnAdmin()
    {
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state", "logs")).Parent!.FullName;

        Assert.Contains("is " + state + ", the hub's data directory", _catalog.Add("cs101", "state", state, byAdmin: true), StringComparison.Ordinal);
        Assert.Contains("is inside " + state, _catalog.Add("cs101", "logs", Path.Combine(state, "logs"), byAdmin: true), StringComparison.Ordinal);
        Assert.Contains("contains " + state, _catalog.Add("cs101", "all", _dir, byAdmin: true), StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Theory]
    [InlineData("/srv", null)]
    [InlineData("/data", null)]
    [InlineData("srv", "is not an absolute path")]
    [InlineData("/", "is the whole file system")]
    [InlineData("/etc", "is /etc, a system folder")]
    [InlineData("/home", "is /home, a system folder")]
    [InlineData("/var", "contains /var/lib/classhub, the hub's data directory")]
    [InlineData("/var/lib/classhub/datasets", "is inside /var/lib/classhub, the hub's data directory")]
    public void RootProblem_ConfiguredRoot_SystemFoldersRefused(string root, string? expected)
    {
        var problem = DatasetPolicy.RootProblem(root, "/var/lib/classhub");

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Remove_Missing_SaysHowToList()
    {
        Assert.Contains("classhub dataset list cs101", _catalog.Remove("cs101", "nope"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedResources_Prepare_PassesVisibleDatasetsAndCourseKernelPath()
    {
        _catalog.Add("cs101", "iris", _data, byAdmin: false);
        var mounts = new RecordingDatasetMounts();
        var kernels = KernelPaths.For(_dir, root: true);
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:1"), InternalUrl = new Uri("http://127.0.0.1:1"), RunAsUnixUsers = true };
        var shared = new SharedResources(mounts, _store, kernels, new DatasetPolicy(["/srv"], Path.Combine(_dir, "state"), Path.Combine(_dir, "mounts")), options, NullLogger<SharedResources>.Instance);
        var environment = new Dictionary<string, string>();

        var root = await shared.PrepareAsync("alice", environment, CancellationToken.None);

        Assert.Equal("/recorded/alice", root);
        Assert.Equal(("alice", "alice", "iris", _data), (mounts.Calls.Single().User, mounts.Calls.Single().Unix, mounts.Calls.Single().Datasets.Single().Name, mounts.Calls.Single().Datasets.Single().SourcePath));
        Assert.Equal("/usr/local/share/classhub/jupyter/cs101", environment["JUPYTER_PATH"]);
    }

    [Fact]
    public async Task SharedResources_DatasetStoredBeforeSystemFoldersWereRefused_NotMountedTheOthersAre()
    {
        _catalog.Add("cs101", "iris", _data, byAdmin: false);
        _store.Add("cs101", "etc", "/etc");
        var mounts = new RecordingDatasetMounts();
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:1"), InternalUrl = new Uri("http://127.0.0.1:1"), RunAsUnixUsers = true };
        var shared = new SharedResources(mounts, _store, KernelPaths.For(_dir, root: true), new DatasetPolicy(["/srv"], Path.Combine(_dir, "state"), Path.Combine(_dir, "mounts")), options, NullLogger<SharedResources>.Instance);

        await shared.PrepareAsync("alice", new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal(["iris"], mounts.Calls.Single().Datasets.Select(d => d.Name));
    }

    [Fact]
    public void KernelPaths_NotRoot_EveryoneFolderOnJupyterPath()
    {
        var paths = KernelPaths.For("/data", root: false);

        Assert.Equal("/data/jupyter:/data/jupyter-courses/c1", paths.JupyterPathFor(["c1"]));
        Assert.Equal("/data/jupyter/kernels/classhub-ds", paths.SpecDir("ds", null));
        Assert.Equal("/usr/local/share/jupyter/kernels/classhub-ds", KernelPaths.For("/data", root: true).SpecDir("ds", null));
    }
}
