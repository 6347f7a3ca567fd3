using Classhub.Storage.Courses;
using Classhub.Storage.Database;

namespace Classhub.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class CourseSpawnerCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void CourseSet_Slurm_StoredWithCourseSettings()
    {
        Assert.Equal(0, _cli.Run("course", "create", "hpc", "--title", "HPC").Exit);

        var (exit, output, err) = _cli.Run("course", "set", "hpc", "--spawner", "slurm", "--slurm-partition", "gpu", "--slurm-gpus", "2", "--slurm-time-limit", "8:00:00");

        Assert.True(exit == 0, err);
        Assert.Contains("servers of hpc now run with the slurm spawner", output, StringComparison.Ordinal);
        var row = new CourseSpawnerStore(new HubDatabase(Path.Combine(_cli.DataDir, "classhub.db"))).Find("hpc")!;
        Assert.Equal(("slurm", "gpu", "8:00:00", 2L, (string?)null), (row.Spawner, row.Partition, row.TimeLimit, row.Gpus, row.Memory));
    }

    [Fact]
    public void CourseSet_Default_ClearsTheChoice()
    {
        Assert.Equal(0, _cli.Run("course", "create", "hpc", "--title", "HPC").Exit);
        Assert.Equal(0, _cli.Run("course", "set", "hpc", "--spawner", "slurm").Exit);

        Assert.Equal(0, _cli.Run("course", "set", "hpc", "--spawner", "default").Exit);

        Assert.Null(new CourseSpawnerStore(new HubDatabase(Path.Combine(_cli.DataDir, "classhub.db"))).Find("hpc")!.Spawner);
    }

    [Theory]
    [InlineData("--slurm-memory", "4G; rm -rf /", "memory '4G; rm -rf /' is not a Slurm size")]
    [InlineData("--slurm-partition", "gpu partition", "partition 'gpu partition' may only contain")]
    public void CourseSet_BadSlurmSetting_Exit1NamingTheSetting(string option, string value, string expected)
    {
        Assert.Equal(0, _cli.Run("course", "create", "hpc", "--title", "HPC").Exit);

        var (exit, _, err) = _cli.Run("course", "set", "hpc", "--spawner", "slurm", option, value);

        Assert.Equal(1, exit);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }

    [Fact]
    public void CourseSet_UnknownCourse_Exit1WithFix()
    {
        var (exit, _, err) = _cli.Run("course", "set", "nope", "--spawner", "slurm");

        Assert.Equal(1, exit);
        Assert.Contains("there is no course 'nope'; create it with classhub course create nope", err, StringComparison.Ordinal);
    }

    [Fact]
    public void CourseSet_UnknownSpawner_Rejected()
    {
        Assert.Equal(0, _cli.Run("course", "create", "hpc", "--title", "HPC").Exit);

        var (exit, _, _) = _cli.Run("course", "set", "hpc", "--spawner", "kubernetes");

        Assert.NotEqual(0, exit);
    }
}
