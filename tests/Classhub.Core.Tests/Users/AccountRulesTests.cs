using Classhub.Core.Users;

namespace Classhub.Core.Users.Tests;

public sealed class AccountRulesTests
{
    private static SystemAccount Account(uint uid, params (uint Id, string Name)[] groups) =>
        new("x", uid, uid, "/home/x", [new SystemGroup(uid, "x"), .. groups.Select(g => new SystemGroup(g.Id, g.Name))]);

    [Fact]
    public void Problem_OrdinaryAccountInRange_None()
    {
        Assert.Null(new AccountRules().Problem(Account(1001, (100, "users"))));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(999u)]
    [InlineData(60001u)]
    [InlineData(65534u)]
    public void Problem_UidOutsideTheRange_SaysWhichKeys(uint uid)
    {
        Assert.Equal($"its uid {uid} is outside the range classhub runs servers as (1000-60000: accounts.uid_min, accounts.uid_max)", new AccountRules().Problem(Account(uid)));
    }

    [Theory]
    [InlineData("sudo")]
    [InlineData("adm")]
    [InlineData("wheel")]
    [InlineData("root")]
    public void Problem_AdministratorsGroup_RefusedEvenWhenTheConfigurationListsNone(string group)
    {
        var rules = new AccountRules { PrivilegedGroups = [] };

        Assert.Equal($"it is a member of group {group}, which administers the machine", rules.Problem(Account(1001, (27, group))));
    }

    [Fact]
    public void Problem_GidZeroUnderAnyName_Refused()
    {
        Assert.Equal("it is a member of group wheelish (gid 0)", new AccountRules().Problem(Account(1001, (0, "wheelish"))));
    }

    [Fact]
    public void Problem_ConfiguredGroup_Refused_DefaultListHasDocker()
    {
        Assert.Contains("group docker", new AccountRules().Problem(Account(1001, (998, "docker"))), StringComparison.Ordinal);
        Assert.Contains("group gpu", new AccountRules { PrivilegedGroups = ["gpu"] }.Problem(Account(1001, (500, "gpu"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RootOrEmptyRangeOrBadGroupName_EachNamedWithItsKey()
    {
        var problems = new AccountRules { MinUid = 0, MaxUid = 0, PrivilegedGroups = ["a b"] }.Validate();

        Assert.Equal(["accounts.uid_min", "accounts.privileged_groups"], problems.Select(p => p.Key));
        Assert.Empty(new AccountRules().Validate());
        Assert.Equal("accounts.uid_max", Assert.Single(new AccountRules { MinUid = 2000, MaxUid = 1500 }.Validate()).Key);
    }
}
