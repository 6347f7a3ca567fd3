using Classhub.Core.Courses;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Courses;

/// <summary>Courses, their staff, and questions about memberships (who may sign in, who is staff where).</summary>
internal sealed class CourseStore(HubDatabase database, TimeProvider time)
{
    private const string CourseColumns = "id AS Id, title AS Title, term AS Term, created_at AS CreatedAt";

    internal const string MemberColumns =
        "m.course_id AS CourseId, m.user_id AS UserId, u.name AS UserName, m.role AS Role, m.name AS Name, m.email AS Email, m.section AS Section, m.status AS Status";

    /// <summary>Adds a course; false when the id is taken. The id must pass <see cref="CourseId.Problem"/>.</summary>
    public bool Create(string id, string title, string? term)
    {
        if (CourseId.Problem(id) is { } problem)
        {
            throw new ArgumentException(problem, nameof(id));
        }

        using var c = database.Open();
        var created = Clock.ToDb(time.GetUtcNow());
        return c.Execute(
            "INSERT INTO courses (id, title, term, created_at) VALUES (@id, @title, @term, @created) ON CONFLICT(id) DO NOTHING",
            new { id, title, term, created }) > 0;
    }

    public Course? Find(string id)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<CourseRow>($"SELECT {CourseColumns} FROM courses WHERE id = @id", new { id });
        return row is null ? null : Map(row);
    }

    public IReadOnlyList<Course> List()
    {
        using var c = database.Open();
        return c.Query<CourseRow>($"SELECT {CourseColumns} FROM courses ORDER BY id").Select(Map).ToList();
    }

    /// <summary>The courses a user is a member of (active or dropped), with their role and status.</summary>
    public IReadOnlyList<CourseMembership> MembershipsOf(long userId)
    {
        using var c = database.Open();
        return c.Query<CourseMembershipRow>(
                "SELECT c.id AS Id, c.title AS Title, c.term AS Term, c.created_at AS CreatedAt, m.role AS Role, m.status AS Status " +
                "FROM course_members m JOIN courses c ON c.id = m.course_id WHERE m.user_id = @userId ORDER BY c.id",
                new { userId })
            .Select(r => new CourseMembership(new Course(r.Id, r.Title, r.Term, Clock.FromDb(r.CreatedAt)), RoleFromDb(r.Role), StatusFromDb(r.Status)))
            .ToList();
    }

    /// <summary>Every member of the course, active and dropped, by user name.</summary>
    public IReadOnlyList<CourseMember> Members(string courseId)
    {
        using var c = database.Open();
        return ReadMembers(c, null, courseId);
    }

    public CourseMember? Member(string courseId, long userId)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<CourseMemberRow>(
            $"SELECT {MemberColumns} FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.course_id = @courseId AND m.user_id = @userId",
            new { courseId, userId });
        return row is null ? null : Map(row);
    }

    /// <summary>Makes the user active staff of the course with the role (adding or changing their membership); false when the course does not exist.</summary>
    public bool SetStaff(string courseId, long userId, CourseRole role)
    {
        using var c = database.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM courses WHERE id = @courseId", new { courseId }) == 0)
        {
            return false;
        }

        var roleName = CourseId.RoleName(role);
        var now = Clock.ToDb(time.GetUtcNow());
        c.Execute(
            "INSERT INTO course_members (course_id, user_id, role, status, updated_at) VALUES (@courseId, @userId, @roleName, 'active', @now) " +
            "ON CONFLICT(course_id, user_id) DO UPDATE SET role = excluded.role, status = 'active', updated_at = excluded.updated_at",
            new { courseId, userId, roleName, now });
        return true;
    }

    /// <summary>
    /// True when the user is in at least one course and active in none: such a user may not sign in. A user in no
    /// course at all (a hub-level user made with the CLI) is not "dropped".
    /// </summary>
    public bool IsDroppedEverywhere(long userId)
    {
        using var c = database.Open();
        return c.ExecuteScalar<long>(
            "SELECT EXISTS(SELECT 1 FROM course_members WHERE user_id = @userId) AND NOT EXISTS(SELECT 1 FROM course_members WHERE user_id = @userId AND status = 'active')",
            new { userId }) != 0;
    }

    /// <summary>The names of every non-admin user who is dropped everywhere (see <see cref="IsDroppedEverywhere"/>).</summary>
    public IReadOnlySet<string> DroppedEverywhere()
    {
        using var c = database.Open();
        return c.Query<string>(
                "SELECT u.name FROM users u WHERE u.admin = 0 AND EXISTS(SELECT 1 FROM course_members m WHERE m.user_id = u.id) " +
                "AND NOT EXISTS(SELECT 1 FROM course_members m WHERE m.user_id = u.id AND m.status = 'active')")
            .ToHashSet(StringComparer.Ordinal);
    }

    internal static IReadOnlyList<CourseMember> ReadMembers(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction? tx, string courseId) =>
        c.Query<CourseMemberRow>(
                $"SELECT {MemberColumns} FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.course_id = @courseId ORDER BY u.name",
                new { courseId },
                tx)
            .Select(Map)
            .ToList();

    internal static CourseMember Map(CourseMemberRow r) =>
        new(r.CourseId, r.UserName, RoleFromDb(r.Role), r.Name, r.Email, r.Section, StatusFromDb(r.Status));

    private static Course Map(CourseRow r) => new(r.Id, r.Title, r.Term, Clock.FromDb(r.CreatedAt));

    private static CourseRole RoleFromDb(string role) => CourseId.ParseRole(role) ?? throw new InvalidOperationException($"course_members.role '{role}' is not a role");

    private static MemberStatus StatusFromDb(string status) => status == "dropped" ? MemberStatus.Dropped : MemberStatus.Active;
}
