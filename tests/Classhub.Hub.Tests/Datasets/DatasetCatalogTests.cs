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
        _catalog = new DatasetCatalog(_store, courses, user => user == "alice" ? _home : null, Path.Combine(_dir, "mounts"));
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

        Assert.Null(_catalog.Add("cs101", "iris", link));

        Assert.Equal(_data, _store.ForCourse("cs101").Single().Path);
    }

    [Fact]
    public void Add_SymlinkIntoStudentHome_RefusedNamingTheStudent()
    {
        var sneaky = Path.Combine(_dir, "srv", "sneaky");
        File.CreateSymbolicLink(sneaky, _home);

        var problem = _catalog.Add("cs101", "sneaky", sneaky);

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
        var problem = _catalog.Add("cs101", name, path);

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.StartsWith($"adding dataset '{name}' to cs101: ", problem, StringComparison.Ordinal);
        Assert.Empty(_store.ForCourse("cs101"));
    }

    [Fact]
    public void Add_AFile_RefusedAsNotAFolder()
    {
        var file = Path.Combine(_data, "data.csv");
        File.WriteAllText(file, "x");

        Assert.Contains("is not a folder", _catalog.Add("cs101", "one", file), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_Missing_SaysHowToList()
    {
        Assert.Contains("classhub dataset list cs101", _catalog.Remove("cs101", "nope"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedResources_Prepare_PassesVisibleDatasetsAndCourseKernelPath()
    {
        _catalog.Add("cs101", "iris", _data);
        var mounts = new RecordingDatasetMounts();
        var kernels = KernelPaths.For(_dir, root: true);
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:1"), InternalUrl = new Uri("http://127.0.0.1:1"), RunAsUnixUsers = true };
        var shared = new SharedResources(mounts, _store, kernels, options, NullLogger<SharedResources>.Instance);
        var environment = new Dictionary<string, string>();

        var root = await shared.PrepareAsync("alice", environment, CancellationToken.None);

        Assert.Equal("/recorded/alice", root);
        Assert.Equal(("alice", "alice", "iris", _data), (mounts.Calls.Single().User, mounts.Calls.Single().Unix, mounts.Calls.Single().Datasets.Single().Name, mounts.Calls.Single().Datasets.Single().SourcePath));
        Assert.Equal("/usr/local/share/classhub/jupyter/cs101", environment["JUPYTER_PATH"]);
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
