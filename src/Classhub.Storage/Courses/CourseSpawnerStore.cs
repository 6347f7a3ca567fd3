using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Courses;

/// <summary>A course's choice of spawner and its Slurm settings (columns of <c>courses</c>, migration 0003).</summary>
internal sealed class CourseSpawnerStore(HubDatabase database)
{
    private const string Columns =
        "c.id AS CourseId, c.spawner AS Spawner, c.slurm_partition AS Partition, c.slurm_time_limit AS TimeLimit, c.slurm_memory AS Memory, c.slurm_cpus AS Cpus, c.slurm_gpus AS Gpus";

    /// <summary>Sets the course's spawner settings; false when the course does not exist.</summary>
    public bool Set(CourseSpawnerRow row)
    {
        using var c = database.Open();
        return c.Execute(
            "UPDATE courses SET spawner = @Spawner, slurm_partition = @Partition, slurm_time_limit = @TimeLimit, slurm_memory = @Memory, slurm_cpus = @Cpus, slurm_gpus = @Gpus WHERE id = @CourseId",
            row) > 0;
    }

    public CourseSpawnerRow? Find(string courseId)
    {
        using var c = database.Open();
        return c.QuerySingleOrDefault<CourseSpawnerRow>($"SELECT {Columns} FROM courses c WHERE c.id = @courseId", new { courseId });
    }

    /// <summary>
    /// The settings that decide where <paramref name="userName"/>'s server runs: the first course (by id) they are an
    /// active member of that chose a spawner; null when none did (the hub's default spawner).
    /// </summary>
    public CourseSpawnerRow? ForUser(string userName)
    {
        using var c = database.Open();
        return c.QueryFirstOrDefault<CourseSpawnerRow>(
            $"SELECT {Columns} FROM course_members m JOIN users u ON u.id = m.user_id JOIN courses c ON c.id = m.course_id " +
            "WHERE u.name = @userName AND m.status = 'active' AND c.spawner IS NOT NULL ORDER BY c.id LIMIT 1",
            new { userName });
    }

    /// <summary>The spawner kinds some course has chosen (for health checks).</summary>
    public IReadOnlyList<string> KindsInUse()
    {
        using var c = database.Open();
        return c.Query<string>("SELECT DISTINCT spawner FROM courses WHERE spawner IS NOT NULL ORDER BY spawner").AsList();
    }
}

/// <summary>A course's spawner columns.</summary>
internal sealed class CourseSpawnerRow
{
    public string CourseId { get; set; } = "";

    public string? Spawner { get; set; }

    public string? Partition { get; set; }

    public string? TimeLimit { get; set; }

    public string? Memory { get; set; }

    public long? Cpus { get; set; }

    public long? Gpus { get; set; }
}
