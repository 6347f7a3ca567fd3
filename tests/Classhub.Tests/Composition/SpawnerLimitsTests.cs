using Classhub.Composition;

namespace Classhub.Tests.Composition;

public sealed class SpawnerLimitsTests
{
    [Theory]
    [InlineData("2G", "1.5", 256, 2L << 30, 1.5, 256)]
    [InlineData("512M", "", 0, 512L << 20, null, null)]
    [InlineData("1048576", "2", 0, 1048576L, 2.0, null)]
    [InlineData("", "", 0, null, null, null)]
    public void Parse_Values_MapToLimits(string memory, string cpu, int tasks, long? bytes, double? cores, int? taskLimit)
    {
        var limits = SpawnerLimits.Parse(memory, cpu, tasks, out var problem);

        Assert.Null(problem);
        Assert.Equal(bytes, limits!.MemoryBytes);
        Assert.Equal(cores, limits.Cpus);
        Assert.Equal(taskLimit, limits.Tasks);
    }

    [Theory]
    [InlineData("2GB", "", 0, "spawner.memory_limit")]
    [InlineData("-1G", "", 0, "spawner.memory_limit")]
    [InlineData("", "two", 0, "spawner.cpu_limit")]
    [InlineData("", "", -5, "spawner.tasks_limit")]
    public void Parse_BadValue_NamesTheKeyAndTheFix(string memory, string cpu, int tasks, string key)
    {
        Assert.Null(SpawnerLimits.Parse(memory, cpu, tasks, out var problem));
        Assert.StartsWith(key, problem, StringComparison.Ordinal);
        Assert.Contains("; ", problem, StringComparison.Ordinal);
    }
}
