using Classhub.Core.Courses;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Courses;

/// <summary>What an import writes: members to add or update (new user names become hub users without a password) and members to drop.</summary>
internal sealed record RosterWrite(IReadOnlyList<CourseMember> Upserts, IReadOnlyList<string> Drops);

/// <summary>
/// Applies a roster import in one SQLite transaction (BEGIN IMMEDIATE): the plan is computed from the roster as it is
/// inside the transaction, so a concurrent import or CLI edit cannot slip between planning and writing, and a crash
/// part-way leaves the previous roster intact (SQLite rolls the journal back).
/// </summary>
internal sealed class RosterStore(HubDatabase database, TimeProvider time)
{
    /// <summary>Test hook: throw after writing this many rows, to prove that a failure part-way changes nothing.</summary>
    internal int? FailAfterRowsForTest { get; set; }

    /// <summary>
    /// Reads the course's members, asks <paramref name="plan"/> what to do, and writes it; when the plan returns no
    /// write, nothing is written. Dropped members whose every membership is now dropped lose their sessions.
    /// </summary>
    public TResult Apply<TResult>(string courseId, Func<IReadOnlyList<CourseMember>, (TResult Result, RosterWrite? Write)> plan)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var current = CourseStore.ReadMembers(c, tx, courseId);
        var (result, write) = plan(current);
        if (write is null)
        {
            return result;
        }

        var now = Clock.ToDb(time.GetUtcNow());
        var rows = 0;
        foreach (var m in write.Upserts)
        {
            var name = m.UserName;
            c.Execute("INSERT INTO users (name, admin, created_at) VALUES (@name, 0, @now) ON CONFLICT(name) DO NOTHING", new { name, now }, tx);
            var userId = c.ExecuteScalar<long>("SELECT id FROM users WHERE name = @name", new { name }, tx);
            var role = CourseId.RoleName(m.Role);
            var status = CourseId.StatusName(m.Status);
            var memberName = m.Name;
            var email = m.Email;
            var section = m.Section;
            c.Execute(
                "INSERT INTO course_members (course_id, user_id, role, name, email, section, status, updated_at) " +
                "VALUES (@courseId, @userId, @role, @memberName, @email, @section, @status, @now) " +
                "ON CONFLICT(course_id, user_id) DO UPDATE SET role = excluded.role, name = excluded.name, email = excluded.email, " +
                "section = excluded.section, status = excluded.status, updated_at = excluded.updated_at",
                new { courseId, userId, role, memberName, email, section, status, now },
                tx);
            Written(ref rows);
        }

        foreach (var name in write.Drops)
        {
            c.Execute(
                "UPDATE course_members SET status = 'dropped', updated_at = @now WHERE course_id = @courseId AND user_id = (SELECT id FROM users WHERE name = @name)",
                new { courseId, name, now },
                tx);
            c.Execute(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = @name AND admin = 0) " +
                "AND NOT EXISTS(SELECT 1 FROM course_members m WHERE m.user_id = sessions.user_id AND m.status = 'active')",
                new { name },
                tx);
            Written(ref rows);
        }

        tx.Commit();
        return result;
    }

    private void Written(ref int rows)
    {
        rows++;
        if (FailAfterRowsForTest is { } limit && rows >= limit)
        {
            throw new InvalidOperationException($"FailAfterRowsForTest: failing after {rows} rows");
        }
    }
}
