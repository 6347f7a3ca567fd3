using Classhub.Core.Datasets;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Datasets;

/// <summary>Course datasets and shared kernels, and who sees which (active members of the dataset's course).</summary>
internal sealed class DatasetStore(HubDatabase database, TimeProvider time)
{
    private const string Columns = "name AS Name, course_id AS CourseId, path AS Path, added_at AS AddedAt";
    private const string KernelColumns = "name AS Name, python AS Python, display_name AS DisplayName, course_id AS CourseId, added_at AS AddedAt";

    // One row per (user, dataset) the user sees: active members of the dataset's course.
    private const string ViewersQuery =
        "SELECT u.name AS UserName, d.name AS Name, d.path AS Path FROM datasets d " +
        "JOIN course_members m ON m.course_id = d.course_id AND m.status = 'active' " +
        "JOIN users u ON u.id = m.user_id";

    /// <summary>Adds a dataset; returns the course already using the name when it is taken (names are hub-wide).</summary>
    public string? Add(string courseId, string name, string path)
    {
        using var c = database.Open();
        var added = Clock.ToDb(time.GetUtcNow());
        var inserted = c.Execute(
            "INSERT INTO datasets (name, course_id, path, added_at) VALUES (@name, @courseId, @path, @added) ON CONFLICT(name) DO NOTHING",
            new { name, courseId, path, added });
        return inserted > 0 ? null : c.ExecuteScalar<string>("SELECT course_id FROM datasets WHERE name = @name", new { name });
    }

    /// <summary>Removes the course's dataset; false when the course has no dataset of that name.</summary>
    public bool Remove(string courseId, string name)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM datasets WHERE course_id = @courseId AND name = @name", new { courseId, name }) > 0;
    }

    public IReadOnlyList<Dataset> ForCourse(string courseId)
    {
        using var c = database.Open();
        return c.Query<DatasetRow>($"SELECT {Columns} FROM datasets WHERE course_id = @courseId ORDER BY name", new { courseId }).Select(Map).ToList();
    }

    public IReadOnlyList<Dataset> List()
    {
        using var c = database.Open();
        return c.Query<DatasetRow>($"SELECT {Columns} FROM datasets ORDER BY course_id, name").Select(Map).ToList();
    }

    /// <summary>The datasets the user sees: those of every course they are an active member of, by name.</summary>
    public IReadOnlyList<DatasetMount> VisibleTo(string userName)
    {
        using var c = database.Open();
        return c.Query<DatasetViewerRow>($"{ViewersQuery} WHERE u.name = @userName ORDER BY d.name", new { userName })
            .Select(r => new DatasetMount(r.Name, r.Path))
            .ToList();
    }

    /// <summary>What <see cref="VisibleTo"/> answers for every user at once, in one query; users who see no dataset are absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DatasetMount>> VisibleToEveryone()
    {
        using var c = database.Open();
        return c.Query<DatasetViewerRow>($"{ViewersQuery} ORDER BY u.name, d.name")
            .GroupBy(r => r.UserName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DatasetMount>)g.Select(r => new DatasetMount(r.Name, r.Path)).ToList(), StringComparer.Ordinal);
    }

    /// <summary>Adds or replaces a kernel registration.</summary>
    public void SaveKernel(string name, string python, string displayName, string? courseId)
    {
        using var c = database.Open();
        var added = Clock.ToDb(time.GetUtcNow());
        c.Execute(
            "INSERT INTO kernels (name, python, display_name, course_id, added_at) VALUES (@name, @python, @displayName, @courseId, @added) " +
            "ON CONFLICT(name) DO UPDATE SET python = excluded.python, display_name = excluded.display_name, course_id = excluded.course_id",
            new { name, python, displayName, courseId, added });
    }

    public SharedKernel? FindKernel(string name)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<KernelRow>($"SELECT {KernelColumns} FROM kernels WHERE name = @name", new { name });
        return row is null ? null : Map(row);
    }

    public bool RemoveKernel(string name)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM kernels WHERE name = @name", new { name }) > 0;
    }

    public IReadOnlyList<SharedKernel> Kernels()
    {
        using var c = database.Open();
        return c.Query<KernelRow>($"SELECT {KernelColumns} FROM kernels ORDER BY name").Select(Map).ToList();
    }

    /// <summary>Kernels for everyone plus those of courses the user is an active member of.</summary>
    public IReadOnlyList<SharedKernel> KernelsFor(string userName)
    {
        using var c = database.Open();
        return c.Query<KernelRow>(
                $"SELECT {KernelColumns} FROM kernels WHERE course_id IS NULL OR course_id IN " +
                "(SELECT m.course_id FROM course_members m JOIN users u ON u.id = m.user_id WHERE u.name = @userName AND m.status = 'active') ORDER BY name",
                new { userName })
            .Select(Map)
            .ToList();
    }

    /// <summary>The ids of the courses the user is an active member of (their kernel folders go on JUPYTER_PATH).</summary>
    public IReadOnlyList<string> ActiveCoursesOf(string userName)
    {
        using var c = database.Open();
        return c.Query<string>(
                "SELECT m.course_id FROM course_members m JOIN users u ON u.id = m.user_id WHERE u.name = @userName AND m.status = 'active' ORDER BY m.course_id",
                new { userName })
            .AsList();
    }

    /// <summary>The Unix names of everyone who is a student in some course (their homes may not hold datasets).</summary>
    public IReadOnlyList<string> Students()
    {
        using var c = database.Open();
        return c.Query<string>("SELECT DISTINCT u.name FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.role = 'student' ORDER BY u.name").AsList();
    }

    private static Dataset Map(DatasetRow r) => new(r.CourseId, r.Name, r.Path, Clock.FromDb(r.AddedAt));

    private static SharedKernel Map(KernelRow r) => new(r.Name, r.Python, r.DisplayName, r.CourseId, Clock.FromDb(r.AddedAt));
}
