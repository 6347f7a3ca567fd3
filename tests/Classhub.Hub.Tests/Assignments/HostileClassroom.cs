using Classhub.Core.Courses;
using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Users;
using Classhub.Testing.Hostile;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Assignments.Tests;

/// <summary>
/// A course <c>cs101</c> whose students are real Unix accounts (<see cref="HostileStudent"/>), over a real SQLite
/// file and a data dir of the hub's own (root, 0700), for the assignment parts that run as root next to students.
/// </summary>
internal sealed class HostileClassroom : IAsyncDisposable
{
    private readonly List<HostileStudent> _students = [];
    private readonly HubDatabase _database;

    private HostileClassroom(AssignmentOptions options)
    {
        DataDir = options.DataDir;
        Options = options;
        _database = new HubDatabase(Path.Combine(DataDir, "classhub.db"));
        _database.Migrate();
        Users = new UserStore(_database, Time);
        Courses = new CourseStore(_database, Time);
        Assignments = new AssignmentStore(_database, Time);
        Courses.Create("cs101", "Intro", null);
    }

    public string DataDir { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public AssignmentOptions Options { get; }

    public UserStore Users { get; }

    public CourseStore Courses { get; }

    public AssignmentStore Assignments { get; }

    public DeliveryTaskStore Tasks => new(_database, Time);

    /// <summary>The claim the classroom's pushes and deliveries work under (the hub's).</summary>
    public ProcessClaim Claim { get; } = ProcessClaim.ForHub();

    public IUnixAccounts Accounts => new KnownUnixAccounts(_students);

    /// <summary>A classroom with the options made from its data dir (<paramref name="options"/> gets the data dir).</summary>
    public static HostileClassroom Create(Func<string, AssignmentOptions>? options = null)
    {
        var dir = Directory.CreateTempSubdirectory("classhub-hostile-").FullName;
        return new HostileClassroom(options?.Invoke(dir) ?? new AssignmentOptions(dir, 1 << 20, 1 << 20));
    }

    /// <summary>Makes a real account and enrols it as an active student of cs101.</summary>
    public async Task<HostileStudent> EnrolAsync(string homeMode = "0700")
    {
        var student = await HostileStudent.CreateAsync("hs", homeMode);
        _students.Add(student);
        new RosterStore(_database, Time).Apply("cs101", current => (0, new RosterWrite(
            [.. current, new CourseMember("cs101", student.Name, CourseRole.Student, $"Student {student.Name}", null, null, MemberStatus.Active)],
            [])));
        return student;
    }

    /// <summary>Pushes <paramref name="files"/> (path, text) as release N of <paramref name="name"/> and delivers it.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> PushAndDeliverAsync(string name, params (string Path, string Text)[] files)
    {
        var source = Directory.CreateTempSubdirectory("push-").FullName;
        try
        {
            foreach (var (path, text) in files)
            {
                var full = Path.Combine(source, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text);
            }

            var published = new AssignmentPublisher(Assignments, Courses, Options, new StagingArea(Options, Claim), Claim).Publish(new PushRequest("cs101", name, source, false, null, null, null, "test"));
            Assert.True(published.Ok, published.Failure?.UserMessage);
            var outcomes = await Delivery().DeliverAsync("cs101", name, null, CancellationToken.None);
            Assert.All(outcomes, o => Assert.Null(o.Error));
            return outcomes;
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    public AssignmentDelivery Delivery() => new(Assignments, Tasks, Courses, Users, Accounts, Options, Claim, NullLogger<AssignmentDelivery>.Instance);

    public SubmissionTaker Taker() => new(Assignments, Courses, Users, Accounts, Options, Time);

    public async ValueTask DisposeAsync()
    {
        foreach (var student in _students)
        {
            await student.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>The accounts the test made, as the hub would find them: chowned per user, never created here.</summary>
    private sealed class KnownUnixAccounts(IReadOnlyList<HostileStudent> students) : IUnixAccounts
    {
        public bool OwnsPerUser => true;

        public Task<Result<HomeAccount>> EnsureAsync(string userName, CancellationToken cancellationToken) =>
            Task.FromResult(students.FirstOrDefault(s => s.Name == userName) is { } s
                ? Result<HomeAccount>.Success(new HomeAccount(s.Name, s.Uid, s.Gid, s.Home))
                : Result<HomeAccount>.Fail(Failure.Of("no-account", $"preparing the home of {userName}: the test made no such account")));

        public HomeAccount? Find(string userName) =>
            students.FirstOrDefault(s => s.Name == userName) is { } s ? new HomeAccount(s.Name, s.Uid, s.Gid, s.Home) : null;
    }
}
