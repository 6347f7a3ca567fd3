using Classhub.Spawning.Processes;

namespace Classhub.Spawning.Tests.Processes;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task RunAsync_Program_CapturesOutputAndExitCode()
    {
        var result = await new ProcessRunner().RunAsync("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"], CancellationToken.None);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
    }

    [Fact]
    public async Task RunAsync_MissingProgram_Exit127()
    {
        var result = await new ProcessRunner().RunAsync("/no/such/program", [], CancellationToken.None);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("/no/such/program", result.StandardError, StringComparison.Ordinal);
    }
}
