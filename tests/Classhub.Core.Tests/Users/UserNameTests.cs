namespace Classhub.Core.Users.Tests;

public sealed class UserNameTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("a")]
    [InlineData("_svc")]
    [InlineData("bob.smith")]
    [InlineData("bob-smith_2")]
    [InlineData("s1234567")]
    public void Problem_ValidName_IsNull(string name)
    {
        Assert.Null(UserName.Problem(name));
        Assert.True(UserName.IsValid(name));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-rf")]
    [InlineData(".hidden")]
    public void Problem_DotNamesOrLeadingDashOrDot_NamesTheRule(string name)
    {
        var problem = UserName.Problem(name);

        Assert.NotNull(problem);
        Assert.Contains("may not be '.' or '..' or start with '-' or '.'", problem, StringComparison.Ordinal);
        Assert.False(UserName.IsValid(name));
    }

    [Fact]
    public void Problem_Empty_SaysEmpty()
    {
        Assert.Equal("the user name is empty", UserName.Problem(""));
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("1alice")]
    [InlineData("al ice")]
    [InlineData("al/ice")]
    [InlineData("alice@example.org")]
    [InlineData("élodie")]
    [InlineData("al\nice")]
    public void Problem_CharactersOutsideThePattern_ExplainsTheAllowedCharacters(string name)
    {
        var problem = UserName.Problem(name);

        Assert.NotNull(problem);
        Assert.Contains("1-32 characters", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_32Characters_IsValid()
    {
        Assert.Null(UserName.Problem(new string('a', 32)));
    }

    [Fact]
    public void Problem_33Characters_IsRefused()
    {
        var problem = UserName.Problem(new string('a', 33));

        Assert.NotNull(problem);
        Assert.Contains("1-32 characters", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("admin")]
    [InlineData("hub")]
    [InlineData("www-data")]
    [InlineData("nobody")]
    [InlineData("classhub")]
    [InlineData("_apt")]
    public void Problem_ReservedName_SaysReserved(string name)
    {
        var problem = UserName.Problem(name);

        Assert.NotNull(problem);
        Assert.Contains("is reserved", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("  BOB  ", "bob")]
    [InlineData("Carol.Jones@Example.ORG", "carol.jones")]
    [InlineData("dave@", "dave")]
    [InlineData("erin", "erin")]
    public void Normalize_MixedCaseSpacesOrEmail_GivesLowerCaseLocalPart(string raw, string expected)
    {
        Assert.Equal(expected, UserName.Normalize(raw));
    }

    [Fact]
    public void Normalize_UpperCaseName_BecomesValid()
    {
        Assert.NotNull(UserName.Problem("Alice"));
        Assert.Null(UserName.Problem(UserName.Normalize("Alice")));
    }
}
