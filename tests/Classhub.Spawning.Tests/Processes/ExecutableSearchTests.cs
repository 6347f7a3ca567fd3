using Classhub.Spawning.Processes;

namespace Classhub.Spawning.Tests.Processes;

public sealed class ExecutableSearchTests
{
    [Fact]
    public void Find_NameOnPath_FullPath()
    {
        Assert.Equal("/bin/sh", ExecutableSearch.Find("sh", "/nonexistent:/bin"));
    }

    [Fact]
    public void Find_AbsolutePath_TakenAsIs()
    {
        Assert.Equal("/bin/sh", ExecutableSearch.Find("/bin/sh", ""));
    }

    [Fact]
    public void Find_NotExecutable_Null()
    {
        Assert.Null(ExecutableSearch.Find("passwd", "/etc"));
    }

    [Fact]
    public void Find_Missing_Null()
    {
        Assert.Null(ExecutableSearch.Find("no-such-program-xyz", "/usr/bin:/bin"));
    }
}
