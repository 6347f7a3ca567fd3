using Classhub.Core.Datasets;
using Classhub.Spawning.Datasets;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Datasets;

/// <summary>Development mode's datasets: symlinks in a real account's ~/datasets, exactly the given set, nothing else touched.</summary>
public sealed class SymlinkDatasetsTests : IDisposable
{
    private readonly TestUnixUser _user = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-symlinks-").FullName;
    private readonly string _home;
    private readonly SymlinkDatasets _datasets = new(NullLogger<SymlinkDatasets>.Instance);

    public SymlinkDatasetsTests()
    {
        _home = Path.Combine(_dir, "home");
        var result = new ProcessRunner().RunAsync("/usr/sbin/useradd", ["-m", "-d", _home, "-s", "/usr/sbin/nologin", _user.Name], CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    private string Source(string name) => Directory.CreateDirectory(Path.Combine(_dir, "srv", name)).FullName;

    private string Link(string name) => Path.Combine(_home, "datasets", name);

    [Fact]
    public async Task Ensure_LinksEachDataset_ThenRemovesOnlyTheLinksNoLongerWanted()
    {
        var iris = Source("iris");
        var mnist = Source("mnist");
        Assert.Empty(await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", iris), new DatasetMount("mnist", mnist)], CancellationToken.None));
        Assert.Equal(iris, new FileInfo(Link("iris")).LinkTarget);
        Assert.Equal(mnist, new FileInfo(Link("mnist")).LinkTarget);

        await File.WriteAllTextAsync(Link("notes.txt"), "mine");
        Assert.Empty(await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", iris)], CancellationToken.None));

        Assert.Equal(iris, new FileInfo(Link("iris")).LinkTarget);
        Assert.False(Path.Exists(Link("mnist")));
        Assert.Equal("mine", await File.ReadAllTextAsync(Link("notes.txt")));
        Assert.True(Directory.Exists(mnist), "the dataset itself is never touched");
    }

    [Fact]
    public async Task Ensure_IsIdempotent_AndFollowsAMovedDataset()
    {
        var old = Source("iris-2025");
        await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", old)], CancellationToken.None);
        Assert.Empty(await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", old)], CancellationToken.None));

        var moved = Source("iris-2026");
        Assert.Empty(await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", moved)], CancellationToken.None));

        Assert.Equal(moved, new FileInfo(Link("iris")).LinkTarget);
    }

    [Fact]
    public async Task AFolderOfTheUsersOwnInTheWay_IsLeftAlone_NamedWithTheFix_AndTheOthersStillLinked()
    {
        Directory.CreateDirectory(Link("iris"));
        await File.WriteAllTextAsync(Path.Combine(Link("iris"), "work.ipynb"), "{}");
        var mnist = Source("mnist");

        var problems = await _datasets.EnsureAsync("alice", _user.Name, [new DatasetMount("iris", Source("iris")), new DatasetMount("mnist", mnist)], CancellationToken.None);

        var problem = Assert.Single(problems);
        Assert.Contains(Link("iris"), problem, StringComparison.Ordinal);
        Assert.Contains("move it away", problem, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Link("iris"), "work.ipynb")));
        Assert.Equal(mnist, new FileInfo(Link("mnist")).LinkTarget);
    }

    [Fact]
    public async Task NoSuchAccount_IsAProblem_NotAnException()
    {
        var problems = await _datasets.EnsureAsync("bob", "nosuchuser" + Environment.ProcessId, [new DatasetMount("iris", Source("iris"))], CancellationToken.None);

        Assert.Contains("no home directory", Assert.Single(problems), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _user.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
