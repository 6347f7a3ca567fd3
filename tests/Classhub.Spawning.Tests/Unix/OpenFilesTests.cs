namespace Classhub.Spawning.Unix.Tests;

public sealed class OpenFilesTests
{
    [Fact]
    public void RaiseSoftLimit_SoftBelowHard_RaisesSoftToHard()
    {
        var (_, hardBefore) = ReadLimits();
        var lowered = Math.Min(hardBefore / 2, 4096);
        using (var prlimit = System.Diagnostics.Process.Start("prlimit", ["--pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"--nofile={lowered}:"]))
        {
            prlimit.WaitForExit();
            Assert.Equal(0, prlimit.ExitCode);
        }

        Assert.Equal(lowered, ReadLimits().Soft);

        var raised = OpenFiles.RaiseSoftLimit();

        var (soft, hard) = ReadLimits();
        Assert.Equal(hard, soft);
        Assert.Equal(hard, raised);
    }

    private static (ulong Soft, ulong Hard) ReadLimits()
    {
        var line = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
