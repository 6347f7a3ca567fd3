using Classhub.Core.Courses;
using Classhub.Core.Routing;
using Classhub.Core.Servers;
using Classhub.Hub.Changes;
using Classhub.Hub.Datasets;
using Classhub.Hub.Hosting;
using Classhub.Hub.Servers;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Datasets;
using Classhub.Storage.OAuth;
using Classhub.Storage.Servers;
using Classhub.Storage.Tokens;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Tests.Datasets;

public sealed class DatasetReconcilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-reconciler-").FullName;
    private readonly RecordingDatasetMounts _mounts = new();
    private readonly DatasetStore _store;
    private readonly RosterStore _rosters;
    private readonly ServerManager _servers;
    private readonly ChangeWatcher _changes;
    private readonly DatasetReconciler _reconciler;
    private readonly ReadinessProbe _probe = new(TimeProvider.System);

    public DatasetReconcilerTests()
    {
        var database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        database.Migrate();
        var time = TimeProvider.System;
        new CourseStore(database, time).Create("cs101", "Intro", null);
        _rosters = new RosterStore(database, time);
        Enrol("alice", "bob");
        _store = new DatasetStore(database, time);
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:1"), InternalUrl = new Uri("http://127.0.0.1:1"), RunAsUnixUsers = true };
        var shared = new SharedResources(_mounts, _store, KernelPaths.For(_dir, root: true), new DatasetPolicy(["/srv"], _dir + "/state", _dir + "/mounts"), options, NullLogger<SharedResources>.Instance);
        _servers = new ServerManager(
            new NeverStartingSpawner(), new DictionaryRouteTable(), new ServerStore(database), new TokenStore(database, time), new OAuthStore(database, time),
            options, time, _probe, new Classhub.Hub.Metrics.HubMetrics(), shared,
            new global::Classhub.Hub.Accounts.AccountBinder(new Storage.Accounts.UnixAccountStore(database, time), new Storage.Users.UserStore(database, time), new Tests.Accounts.InMemoryAccountDirectory(), new global::Classhub.Hub.Accounts.AccountOptions(true, new Core.Users.AccountRules(), false), NullLogger<global::Classhub.Hub.Accounts.AccountBinder>.Instance),
            NullLogger<ServerManager>.Instance);
        _changes = new ChangeWatcher(database, time, NullLogger<ChangeWatcher>.Instance);
        _reconciler = new DatasetReconciler(_changes, _servers, shared, NullLogger<DatasetReconciler>.Instance);
    }

    public void Dispose()
    {
        _probe.Dispose();
        _changes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private void Enrol(params string[] names) =>
        _rosters.Apply("cs101", _ => (0, new RosterWrite(names.Select(n => new CourseMember("cs101", n, CourseRole.Student, null, null, null, MemberStatus.Active)).ToList(), [])));

    [Fact]
    public async Task Sweep_RunningServersOnly_GetTheirCurrentDatasets()
    {
        _store.Add("cs101", "iris", "/srv/iris");
        _servers.Entry(1, "alice").Phase = ServerPhase.Running;
        _servers.Entry(2, "bob").Phase = ServerPhase.Stopped;

        var swept = await _reconciler.SweepAsync();

        Assert.Equal(["alice"], swept);
        var call = Assert.Single(_mounts.Calls);
        Assert.Equal(("alice", "alice", "iris"), (call.User, call.Unix, call.Datasets.Single().Name));
    }

    [Fact]
    public async Task Sweep_AfterDrop_EnsuresAnEmptyTree()
    {
        _store.Add("cs101", "iris", "/srv/iris");
        _servers.Entry(1, "alice").Phase = ServerPhase.Running;
        _rosters.Apply("cs101", _ => (0, new RosterWrite([], ["alice"])));

        await _reconciler.SweepAsync();

        Assert.Empty(Assert.Single(_mounts.Calls).Datasets);
    }

    [Fact]
    public async Task Sweep_NothingChangedForTheUser_LeavesTheTreeAlone()
    {
        _store.Add("cs101", "iris", "/srv/iris");
        _servers.Entry(1, "alice").Phase = ServerPhase.Running;
        await _reconciler.SweepAsync();

        _store.Add("cs101", "other-course-data", "/srv/x");
        _store.Remove("cs101", "other-course-data");
        var unchanged = await _reconciler.SweepAsync();
        _store.Add("cs101", "mnist", "/srv/mnist");
        var changed = await _reconciler.SweepAsync();

        Assert.Empty(unchanged);
        Assert.Equal(["alice"], changed);
        Assert.Equal([["iris"], ["iris", "mnist"]], _mounts.Calls.Select(c => c.Datasets.Select(d => d.Name).ToArray()).ToArray());
    }

    [Fact]
    public async Task Sweep_TreeHadProblems_TriedAgainUntilItHasNone()
    {
        _store.Add("cs101", "iris", "/srv/iris");
        _servers.Entry(1, "alice").Phase = ServerPhase.Running;
        _mounts.Problems = ["mounting dataset 'iris' failed"];

        var first = await _reconciler.SweepAsync();
        var second = await _reconciler.SweepAsync();
        _mounts.Problems = [];
        var third = await _reconciler.SweepAsync();
        var fourth = await _reconciler.SweepAsync();

        Assert.Equal([["alice"], ["alice"], ["alice"], []], new[] { first, second, third, fourth });
    }

    [Fact]
    public async Task Changed_Raised_SweepRunsInTheBackground()
    {
        _servers.Entry(1, "alice").Phase = ServerPhase.Starting;
        await _reconciler.StartAsync(CancellationToken.None);

        _store.Add("cs101", "iris", "/srv/iris");
        _changes.NotifyLocalChange();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_mounts.Calls.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal("iris", Assert.Single(_mounts.Calls).Datasets.Single().Name);
        await _reconciler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stop_RunningServer_TakesItsTreeDown()
    {
        _servers.Entry(1, "alice").Phase = ServerPhase.Running;

        await _servers.StopAsync("alice", "test");

        Assert.Equal(["alice"], _mounts.Released);
        Assert.Empty(await _reconciler.SweepAsync());
    }

    private sealed class NeverStartingSpawner : ISpawner
    {
        public string Kind => "never";

        public Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken) => throw new InvalidOperationException("not used");

        public Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken) => Task.FromResult(ServerStatus.Stopped());

        public Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new SpawnerHealth(true, "never"));
    }

    private sealed class DictionaryRouteTable : IRouteTable
    {
        private readonly Dictionary<string, Uri> _routes = [];

        public bool TryGet(string userName, out Uri target) => _routes.TryGetValue(userName, out target!);

        public void Set(string userName, Uri target) => _routes[userName] = target;

        public void Remove(string userName) => _routes.Remove(userName);

        public IReadOnlyDictionary<string, Uri> Snapshot() => _routes;
    }
}
