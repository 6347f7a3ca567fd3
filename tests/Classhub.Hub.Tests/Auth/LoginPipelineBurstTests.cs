using Classhub.Core.Auth;
using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Hub.Tests.Accounts;
using Classhub.Storage.Accounts;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Tests.Auth;

/// <summary>
/// Sign-ins sent all at once, through the real pipeline and SQLite: guesses that were all let in before any failure
/// was recorded are stopped when their turn comes, and a full queue turns people away with a wait instead of growing.
/// </summary>
public sealed class LoginPipelineBurstTests : IDisposable
{
    private const string Address = "198.51.100.66";
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-burst-").FullName;
    private readonly HubDatabase _database;
    private readonly UserStore _users;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero));

    public LoginPipelineBurstTests()
    {
        _database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        _database.Migrate();
        _users = new UserStore(_database, TimeProvider.System);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task SignInAsync_30GuessesAtOnce_OnlyTheFreeFiveAreChecked_TheRestLimitedWhenTheirTurnComes()
    {
        var authenticator = new GatedRejector();
        var pipeline = Pipeline(authenticator, new SignInQueue(1, 100, _time));

        var guesses = Enumerable.Range(0, 30).Select(i => pipeline.SignInAsync("admin", $"guess {i}", Address, null, CancellationToken.None)).ToList();
        authenticator.Open();
        var results = await Task.WhenAll(guesses);

        Assert.Equal(5, authenticator.Checked);
        Assert.Equal(25, results.Count(r => r.RetryAfter is not null && !r.IsBusy));
        Assert.All(results, r => Assert.Null(r.SessionId));
    }

    [Fact]
    public async Task SignInAsync_QueueFull_TurnedAwayBusyWithAnEstimatedWait_NothingChecked()
    {
        var authenticator = new GatedRejector();
        var pipeline = Pipeline(authenticator, new SignInQueue(1, 2, _time));
        var held = Enumerable.Range(0, 3).Select(i => pipeline.SignInAsync($"student{i}", "pw", Address, null, CancellationToken.None)).ToList();

        var turnedAway = await pipeline.SignInAsync("student9", "pw", Address, null, CancellationToken.None);

        Assert.True(turnedAway.IsBusy);
        Assert.True(turnedAway.RetryAfter >= TimeSpan.FromSeconds(1));
        authenticator.Open();
        await Task.WhenAll(held);
        Assert.Equal(3, authenticator.Checked);
    }

    [Fact]
    public async Task SignInAsync_BrowserGoneWhileWaiting_CancelledAndNeverChecked()
    {
        var authenticator = new GatedRejector();
        var pipeline = Pipeline(authenticator, new SignInQueue(1, 10, _time));
        var first = pipeline.SignInAsync("student0", "pw", Address, null, CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var waiting = pipeline.SignInAsync("student1", "pw", Address, null, gone.Token);

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        authenticator.Open();
        await first;

        Assert.Equal(1, authenticator.Checked);
    }

    private LoginPipeline Pipeline(IAuthenticator authenticator, SignInQueue queue)
    {
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:8000"), InternalUrl = new Uri("http://127.0.0.1:8000") };
        return new LoginPipeline(
            [authenticator],
            new LoginRateLimiter(options, _time),
            queue,
            new SignInDevices(),
            _users,
            new SessionStore(_database, TimeProvider.System),
            new CourseStore(_database, TimeProvider.System),
            options,
            new Metrics.HubMetrics(),
            new SignInOptions { Methods = ["gated"] },
            new AccountBinder(new UnixAccountStore(_database, TimeProvider.System), _users, new InMemoryAccountDirectory(), new AccountOptions(false, new AccountRules(), false), NullLogger<AccountBinder>.Instance),
            NullLogger<LoginPipeline>.Instance);
    }

    /// <summary>Rejects every password, but only once opened: until then each check waits, holding its slot.</summary>
    private sealed class GatedRejector : IAuthenticator
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _checked;

        public string Id => "gated";

        public int Checked => Volatile.Read(ref _checked);

        public void Open() => _open.TrySetResult();

        public async Task<AuthOutcome> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _checked);
            await _open.Task;
            return AuthOutcome.Rejected("invalid user name or password");
        }
    }
}
