using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Tests.Unix;

public sealed class ProcStatTests
{
    [Fact]
    public void Parse_CommandNameWithSpacesAndParentheses_ReadsFieldsAfterIt()
    {
        var line = "4242 (we ird) (name) S 1 4240 4239 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10 184467";

        var stat = ProcStat.Parse(line)!;

        Assert.Equal(4242, stat.Pid);
        Assert.Equal('S', stat.State);
        Assert.Equal(4240, stat.ProcessGroup);
        Assert.Equal(4239, stat.Session);
        Assert.Equal(987654UL, stat.StartTime);
        Assert.False(stat.IsZombie);
    }

    [Fact]
    public void Read_OwnProcess_MatchesEnvironmentProcessId()
    {
        var stat = ProcStat.Read(Environment.ProcessId)!;

        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.True(stat.StartTime > 0);
    }

    [Fact]
    public void Read_NoSuchProcess_Null()
    {
        Assert.Null(ProcStat.Read(int.MaxValue));
    }

    [Fact]
    public void GroupHasLiveMembers_UnusedGroup_False()
    {
        Assert.False(ProcStat.GroupHasLiveMembers(int.MaxValue));
    }
}
