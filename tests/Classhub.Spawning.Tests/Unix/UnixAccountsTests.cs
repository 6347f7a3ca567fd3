using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Tests.Unix;

public sealed class UnixAccountsTests
{
    [Fact]
    public void FindByName_Root_UidZeroWithHome()
    {
        var root = UnixAccounts.FindByName("root")!;

        Assert.Equal(0u, root.Uid);
        Assert.Equal(0u, root.Gid);
        Assert.Equal("/root", root.Home);
        Assert.Contains(0u, root.Groups);
    }

    [Fact]
    public void FindByName_NoSuchUser_Null()
    {
        Assert.Null(UnixAccounts.FindByName("no-such-user-xyz"));
    }

    [Fact]
    public void FindByUid_Zero_Root()
    {
        Assert.Equal("root", UnixAccounts.FindByUid(0)!.Name);
    }
}
