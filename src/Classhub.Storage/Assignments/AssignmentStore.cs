using Classhub.Core.Assignments;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Assignments;

/// <summary>Assignments, releases, deliveries (with per-file hashes), submissions, feedback and grades.</summary>
internal sealed class AssignmentStore(HubDatabase database, TimeProvider time)
{
    private const string Columns =
        "course_id AS CourseId, name AS Name, section AS Section, due_at AS DueAt, refuse_late AS RefuseLate, latest_release AS LatestRelease, readme AS Readme, created_at AS CreatedAt";

    public Assignment? Find(string courseId, string name)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<AssignmentRow>($"SELECT {Columns} FROM assignments WHERE course_id = @courseId AND name = @name", new { courseId, name });
        return row is null ? null : Map(row);
    }

    public IReadOnlyList<Assignment> List(string courseId)
    {
        using var c = database.Open();
        return c.Query<AssignmentRow>($"SELECT {Columns} FROM assignments WHERE course_id = @courseId ORDER BY created_at, name", new { courseId }).Select(Map).ToList();
    }

    /// <summary>
    /// Creates the next release in one transaction: <paramref name="publish"/> is called with the new release number
    /// while the write lock is held (it moves the staged files into place) and the release is recorded only when it
    /// returns. Section, due date and the late rule are updated only when given (null keeps the current values).
    /// The same transaction opens the release's delivery work: a pending task for every active student it is for,
    /// owned by <paramref name="deliveryOwner"/> (the claim of the process that will deliver it; null: whoever
    /// claims it), so the release and the work to deliver it are recorded together or not at all.
    /// </summary>
    public int AddRelease(string courseId, string name, string? section, DateTimeOffset? dueAt, bool? refuseLate, string? readme, string createdBy, int files, long bytes, Action<int> publish, string? deliveryOwner = null)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var now = Clock.ToDb(time.GetUtcNow());
        var due = Clock.ToDb(dueAt);
        var refuse = refuseLate is true ? 1L : 0L;
        var keepRefuse = refuseLate is null ? 1L : 0L;
        c.Execute(
            "INSERT INTO assignments (course_id, name, section, due_at, refuse_late, latest_release, readme, created_at) VALUES (@courseId, @name, @section, @due, @refuse, 0, @readme, @now) " +
            "ON CONFLICT(course_id, name) DO UPDATE SET section = COALESCE(excluded.section, section), due_at = COALESCE(excluded.due_at, due_at), " +
            "refuse_late = CASE WHEN @keepRefuse = 1 THEN refuse_late ELSE excluded.refuse_late END, readme = excluded.readme",
            new { courseId, name, section, due, refuse, readme, now, keepRefuse },
            tx);
        var release = (int)c.ExecuteScalar<long>("SELECT latest_release + 1 FROM assignments WHERE course_id = @courseId AND name = @name", new { courseId, name }, tx);
        publish(release);
        c.Execute("UPDATE assignments SET latest_release = @release WHERE course_id = @courseId AND name = @name", new { courseId, name, release }, tx);
        c.Execute(
            "INSERT INTO assignment_releases (course_id, name, release, created_at, created_by, files, bytes) VALUES (@courseId, @name, @release, @now, @createdBy, @files, @bytes)",
            new { courseId, name, release, now, createdBy, files, bytes },
            tx);
        var assignment = Map(c.QuerySingle<AssignmentRow>($"SELECT {Columns} FROM assignments WHERE course_id = @courseId AND name = @name", new { courseId, name }, tx));
        var students = c.Query<StudentSectionRow>(
                "SELECT user_id AS UserId, section AS Section FROM course_members WHERE course_id = @courseId AND role = 'student' AND status = 'active'",
                new { courseId },
                tx)
            .Where(m => assignment.IsFor(m.Section))
            .Select(m => m.UserId)
            .ToList();
        DeliveryTaskStore.Queue(c, tx, courseId, name, release, students, deliveryOwner, now);
        tx.Commit();
        return release;
    }

    /// <summary>The hash of every file last delivered to the user (path relative to the assignment folder).</summary>
    public IReadOnlyDictionary<string, string> DeliveredFiles(string courseId, string name, long userId)
    {
        using var c = database.Open();
        return c.Query<DeliveredFileRow>(
                "SELECT path AS Path, sha256 AS Sha256 FROM assignment_delivered_files WHERE course_id = @courseId AND name = @name AND user_id = @userId",
                new { courseId, name, userId })
            .ToDictionary(r => r.Path, r => r.Sha256, StringComparer.Ordinal);
    }

    /// <summary>The release last delivered to the user, or null.</summary>
    public int? DeliveredRelease(string courseId, string name, long userId)
    {
        using var c = database.Open();
        return (int?)c.ExecuteScalar<long?>(
            "SELECT release FROM assignment_deliveries WHERE course_id = @courseId AND name = @name AND user_id = @userId AND error IS NULL",
            new { courseId, name, userId });
    }

    /// <summary>Records a delivery: the release, its conflicts, and the hash now recorded for each file (replacing the previous set).</summary>
    public void RecordDelivery(string courseId, string name, long userId, int release, IReadOnlyDictionary<string, string> files, IReadOnlyList<string> conflicts)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var now = Clock.ToDb(time.GetUtcNow());
        var conflictText = string.Join('\n', conflicts);
        c.Execute(
            "INSERT INTO assignment_deliveries (course_id, name, user_id, release, delivered_at, conflicts, error) VALUES (@courseId, @name, @userId, @release, @now, @conflictText, NULL) " +
            "ON CONFLICT(course_id, name, user_id) DO UPDATE SET release = excluded.release, delivered_at = excluded.delivered_at, " +
            "conflicts = CASE WHEN excluded.conflicts = '' THEN conflicts ELSE TRIM(conflicts || char(10) || excluded.conflicts, char(10)) END, error = NULL",
            new { courseId, name, userId, release, now, conflictText },
            tx);
        c.Execute("DELETE FROM assignment_delivered_files WHERE course_id = @courseId AND name = @name AND user_id = @userId", new { courseId, name, userId }, tx);
        foreach (var (path, sha256) in files)
        {
            c.Execute(
                "INSERT INTO assignment_delivered_files (course_id, name, user_id, path, sha256) VALUES (@courseId, @name, @userId, @path, @sha256)",
                new { courseId, name, userId, path, sha256 },
                tx);
        }

        DeliveryTaskStore.Delivered(c, tx, courseId, name, userId, release, now);
        tx.Commit();
    }

    /// <summary>Records that delivering release <paramref name="release"/> to the user failed (kept until a later delivery succeeds), and closes their open work with that reason.</summary>
    public void RecordDeliveryError(string courseId, string name, long userId, int release, string error)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        c.Execute(
            "INSERT INTO assignment_deliveries (course_id, name, user_id, release, delivered_at, conflicts, error) VALUES (@courseId, @name, @userId, 0, NULL, '', @error) " +
            "ON CONFLICT(course_id, name, user_id) DO UPDATE SET error = excluded.error",
            new { courseId, name, userId, release, error },
            tx);
        DeliveryTaskStore.Failed(c, tx, courseId, name, userId, release, error, Clock.ToDb(time.GetUtcNow()));
        tx.Commit();
    }

    /// <summary>Every active student of the course, with their state on the assignment.</summary>
    public IReadOnlyList<StudentAssignmentStatus> Status(string courseId, string name)
    {
        using var c = database.Open();
        return c.Query<StudentStatusRow>(
                "SELECT u.name AS UserName, m.section AS Section, d.release AS Release, d.delivered_at AS DeliveredAt, d.conflicts AS Conflicts, d.error AS Error, " +
                "(SELECT MAX(s.submitted_at) FROM assignment_submissions s WHERE s.course_id = m.course_id AND s.name = @name AND s.user_id = m.user_id) AS SubmittedAt, " +
                "(SELECT s.late FROM assignment_submissions s WHERE s.course_id = m.course_id AND s.name = @name AND s.user_id = m.user_id ORDER BY s.id DESC LIMIT 1) AS Late, " +
                "(SELECT COUNT(*) FROM assignment_submissions s WHERE s.course_id = m.course_id AND s.name = @name AND s.user_id = m.user_id) AS Submissions, " +
                "f.returned_at AS ReturnedAt " +
                "FROM course_members m JOIN users u ON u.id = m.user_id " +
                "LEFT JOIN assignment_deliveries d ON d.course_id = m.course_id AND d.name = @name AND d.user_id = m.user_id " +
                "LEFT JOIN assignment_feedback f ON f.course_id = m.course_id AND f.name = @name AND f.user_id = m.user_id " +
                "WHERE m.course_id = @courseId AND m.role = 'student' AND m.status = 'active' ORDER BY u.name",
                new { courseId, name })
            .Select(r => new StudentAssignmentStatus(
                r.UserName,
                r.Section,
                r.Release is > 0 ? (int)r.Release : null,
                Clock.FromDb(r.DeliveredAt),
                string.IsNullOrEmpty(r.Conflicts) ? [] : r.Conflicts.Split('\n'),
                r.Error,
                Clock.FromDb(r.SubmittedAt),
                r.Late == 1,
                (int)r.Submissions,
                Clock.FromDb(r.ReturnedAt)))
            .ToList();
    }

    public Submission AddSubmission(string courseId, string name, long userId, DateTimeOffset at, bool late, int files, long bytes, string folder)
    {
        using var c = database.Open();
        var submittedAt = Clock.ToDb(at);
        var lateValue = late ? 1L : 0L;
        var id = c.ExecuteScalar<long>(
            "INSERT INTO assignment_submissions (course_id, name, user_id, submitted_at, late, files, bytes, folder) VALUES (@courseId, @name, @userId, @submittedAt, @lateValue, @files, @bytes, @folder) RETURNING id",
            new { courseId, name, userId, submittedAt, lateValue, files, bytes, folder });
        return Submissions(courseId, name, null).Single(s => s.Id == id);
    }

    /// <summary>Submissions of the assignment, newest first; of one user when <paramref name="userName"/> is given.</summary>
    public IReadOnlyList<Submission> Submissions(string courseId, string name, string? userName)
    {
        using var c = database.Open();
        return c.Query<SubmissionRow>(
                "SELECT s.id AS Id, s.course_id AS CourseId, s.name AS Name, u.name AS UserName, s.submitted_at AS SubmittedAt, s.late AS Late, s.files AS Files, s.bytes AS Bytes, s.folder AS Folder " +
                "FROM assignment_submissions s JOIN users u ON u.id = s.user_id WHERE s.course_id = @courseId AND s.name = @name AND (@userName IS NULL OR u.name = @userName) ORDER BY s.id DESC",
                new { courseId, name, userName })
            .Select(r => new Submission(r.Id, r.CourseId, r.Name, r.UserName, Clock.FromDb(r.SubmittedAt), r.Late == 1, (int)r.Files, r.Bytes, r.Folder))
            .ToList();
    }

    /// <summary>Forgets a submission (its files are the caller's to remove); missing is fine.</summary>
    public void DeleteSubmission(long id)
    {
        using var c = database.Open();
        c.Execute("DELETE FROM assignment_submissions WHERE id = @id", new { id });
    }

    /// <summary>The latest submission of each student who submitted.</summary>
    public IReadOnlyList<Submission> LatestSubmissions(string courseId, string name) =>
        Submissions(courseId, name, null).GroupBy(s => s.UserName, StringComparer.Ordinal).Select(g => g.First()).OrderBy(s => s.UserName, StringComparer.Ordinal).ToList();

    public void RecordFeedback(string courseId, string name, long userId, IReadOnlyList<string> files)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        var list = string.Join('\n', files);
        c.Execute(
            "INSERT INTO assignment_feedback (course_id, name, user_id, returned_at, files) VALUES (@courseId, @name, @userId, @now, @list) " +
            "ON CONFLICT(course_id, name, user_id) DO UPDATE SET returned_at = excluded.returned_at, files = excluded.files",
            new { courseId, name, userId, now, list });
    }

    /// <summary>The feedback files returned to the user (relative to their feedback folder), or empty.</summary>
    public IReadOnlyList<string> FeedbackFiles(string courseId, string name, long userId)
    {
        using var c = database.Open();
        var text = c.ExecuteScalar<string?>("SELECT files FROM assignment_feedback WHERE course_id = @courseId AND name = @name AND user_id = @userId", new { courseId, name, userId });
        return string.IsNullOrEmpty(text) ? [] : text.Split('\n');
    }

    /// <summary>Sets grades in one transaction: (user id, assignment name, score).</summary>
    public void SetGrades(string courseId, IReadOnlyList<(long UserId, string Name, string Score)> grades)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var now = Clock.ToDb(time.GetUtcNow());
        foreach (var (userId, name, score) in grades)
        {
            c.Execute(
                "INSERT INTO assignment_grades (course_id, name, user_id, score, updated_at) VALUES (@courseId, @name, @userId, @score, @now) " +
                "ON CONFLICT(course_id, name, user_id) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at",
                new { courseId, name, userId, score, now },
                tx);
        }

        tx.Commit();
    }

    public IReadOnlyList<(string UserName, string Name, string Score)> Grades(string courseId)
    {
        using var c = database.Open();
        return c.Query<GradeRow>(
                "SELECT u.name AS UserName, g.name AS Name, g.score AS Score FROM assignment_grades g JOIN users u ON u.id = g.user_id WHERE g.course_id = @courseId",
                new { courseId })
            .Select(r => (r.UserName, r.Name, r.Score))
            .ToList();
    }

    private static Assignment Map(AssignmentRow r) =>
        new(r.CourseId, r.Name, r.Section, Clock.FromDb(r.DueAt), r.RefuseLate == 1, (int)r.LatestRelease, r.Readme, Clock.FromDb(r.CreatedAt));
}
