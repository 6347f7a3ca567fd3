using Classhub.Core.Assignments;
using Classhub.Storage.Database;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Assignments;

/// <summary>
/// Delivery work in the database (<c>assignment_delivery_tasks</c>): one row per student a release is to reach. The
/// rows are written in the transaction that records the release, and each is closed in the transaction that records
/// that student's delivery (<see cref="AssignmentStore.RecordDelivery"/>, <see cref="AssignmentStore.RecordDeliveryError"/>),
/// so whatever process dies at whatever instant, the database says exactly who still waits. Open work belongs to the
/// process whose claim token is its owner; another process takes it over only when that claim is dead.
/// </summary>
internal sealed class DeliveryTaskStore(HubDatabase database, TimeProvider time)
{
    /// <summary>
    /// Opens work for release <paramref name="release"/>: a pending task per student in <paramref name="userIds"/>
    /// (a failed one is re-opened; one delivered or pending is left as it is), owned by <paramref name="owner"/>.
    /// Open work of older releases of the assignment is superseded: delivering the newest covers it.
    /// </summary>
    public int Queue(string courseId, string name, int release, IReadOnlyList<long> userIds, string? owner)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var queued = Queue(c, tx, courseId, name, release, userIds, owner, Clock.ToDb(time.GetUtcNow()));
        tx.Commit();
        return queued;
    }

    /// <summary>The pending tasks owned by <paramref name="owner"/> (of one assignment when given), by assignment, release and student.</summary>
    public IReadOnlyList<DeliveryTask> Pending(string owner, string? courseId = null, string? name = null)
    {
        using var c = database.Open();
        return c.Query<DeliveryTaskRow>(
                "SELECT t.course_id AS CourseId, t.name AS Name, t.release AS Release, t.user_id AS UserId, u.name AS UserName " +
                "FROM assignment_delivery_tasks t JOIN users u ON u.id = t.user_id " +
                "WHERE t.state = 'pending' AND t.owner = @owner AND (@courseId IS NULL OR (t.course_id = @courseId AND t.name = @name)) " +
                "ORDER BY t.course_id, t.name, t.release, u.name",
                new { owner, courseId, name })
            .Select(r => new DeliveryTask(r.CourseId, r.Name, (int)r.Release, r.UserId, r.UserName))
            .ToList();
    }

    /// <summary>The owners of pending work; null stands for unclaimed work.</summary>
    public IReadOnlyList<string?> PendingOwners()
    {
        using var c = database.Open();
        return c.Query<string?>("SELECT DISTINCT owner FROM assignment_delivery_tasks WHERE state = 'pending'").AsList();
    }

    /// <summary>Gives the pending work of <paramref name="from"/> (null: unclaimed work) to <paramref name="to"/>; how many tasks moved.</summary>
    public int Reassign(string? from, string to)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        return c.Execute(
            "UPDATE assignment_delivery_tasks SET owner = @to, updated_at = @now WHERE state = 'pending' AND owner IS @from",
            new { from, to, now });
    }

    /// <summary>Closes the student's open work on the assignment without delivering it (they left the course, or its section, since).</summary>
    public void Withdraw(string courseId, string name, long userId)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        c.Execute(
            "UPDATE assignment_delivery_tasks SET state = 'superseded', owner = NULL, updated_at = @now WHERE course_id = @courseId AND name = @name AND user_id = @userId AND state IN ('pending', 'failed')",
            new { courseId, name, userId, now });
    }

    /// <summary>
    /// Of the students <paramref name="userIds"/>, those with no open work on the assignment and no failure newer
    /// than <paramref name="failedBefore"/> (a failure is retried only after a while): whom catching up may queue.
    /// </summary>
    public IReadOnlyList<long> Idle(string courseId, string name, IReadOnlyList<long> userIds, DateTimeOffset failedBefore)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        using var c = database.Open();
        var cutoff = Clock.ToDb(failedBefore);
        var busy = c.Query<long>(
                "SELECT DISTINCT user_id FROM assignment_delivery_tasks WHERE course_id = @courseId AND name = @name " +
                "AND (state = 'pending' OR (state = 'failed' AND updated_at >= @cutoff))",
                new { courseId, name, cutoff })
            .ToHashSet();
        return userIds.Where(u => !busy.Contains(u)).ToList();
    }

    /// <summary>
    /// How the delivery of each release stands, newest first: the <paramref name="latest"/> release, and any older one
    /// that still has students waiting or failed.
    /// </summary>
    public IReadOnlyList<ReleaseDelivery> Progress(string courseId, string name, int latest)
    {
        using var c = database.Open();
        var rows = c.Query<DeliveryProgressRow>(
            "SELECT t.release AS Release, t.state AS State, t.error AS Error, u.name AS UserName FROM assignment_delivery_tasks t JOIN users u ON u.id = t.user_id " +
            "WHERE t.course_id = @courseId AND t.name = @name AND (t.release = @latest OR t.release IN " +
            "(SELECT release FROM assignment_delivery_tasks WHERE course_id = @courseId AND name = @name AND state IN ('pending', 'failed'))) " +
            "ORDER BY t.release DESC, u.name",
            new { courseId, name, latest });
        return rows.GroupBy(r => r.Release)
            .Select(g => new ReleaseDelivery(
                (int)g.Key,
                g.Count(),
                g.Count(r => r.State == "delivered"),
                g.Count(r => r.State == "pending"),
                g.Count(r => r.State == "superseded"),
                g.Where(r => r.State == "failed").Select(r => new DeliveryFailure(r.UserName, r.Error ?? "")).ToList()))
            .ToList();
    }

    /// <summary>In a release's transaction: supersedes older open work of the assignment and opens release <paramref name="release"/> for each student.</summary>
    internal static int Queue(SqliteConnection c, SqliteTransaction tx, string courseId, string name, int release, IEnumerable<long> userIds, string? owner, long now)
    {
        c.Execute(
            "UPDATE assignment_delivery_tasks SET state = 'superseded', owner = NULL, updated_at = @now " +
            "WHERE course_id = @courseId AND name = @name AND state IN ('pending', 'failed') AND release < @release",
            new { courseId, name, release, now },
            tx);
        var queued = 0;
        foreach (var userId in userIds)
        {
            queued += c.Execute(
                "INSERT INTO assignment_delivery_tasks (course_id, name, release, user_id, state, owner, error, updated_at) " +
                "VALUES (@courseId, @name, @release, @userId, 'pending', @owner, NULL, @now) " +
                "ON CONFLICT(course_id, name, release, user_id) DO UPDATE SET state = 'pending', owner = excluded.owner, error = NULL, updated_at = excluded.updated_at " +
                "WHERE state = 'failed'",
                new { courseId, name, release, userId, owner, now },
                tx);
        }

        return queued;
    }

    /// <summary>In a delivery's transaction: release <paramref name="release"/> reached the student, which covers their open work up to it.</summary>
    internal static void Delivered(SqliteConnection c, SqliteTransaction tx, string courseId, string name, long userId, int release, long now) =>
        c.Execute(
            "UPDATE assignment_delivery_tasks SET state = CASE WHEN release = @release THEN 'delivered' ELSE 'superseded' END, owner = NULL, error = NULL, updated_at = @now " +
            "WHERE course_id = @courseId AND name = @name AND user_id = @userId AND release <= @release AND state IN ('pending', 'failed')",
            new { courseId, name, userId, release, now },
            tx);

    /// <summary>In the transaction that records a failed delivery: the student's open work up to <paramref name="release"/> failed, for <paramref name="error"/>.</summary>
    internal static void Failed(SqliteConnection c, SqliteTransaction tx, string courseId, string name, long userId, int release, string error, long now) =>
        c.Execute(
            "UPDATE assignment_delivery_tasks SET state = 'failed', owner = NULL, error = @error, updated_at = @now " +
            "WHERE course_id = @courseId AND name = @name AND user_id = @userId AND release <= @release AND state IN ('pending', 'failed')",
            new { courseId, name, userId, release, error, now },
            tx);
}
