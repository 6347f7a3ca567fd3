namespace Classhub.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class CourseCommandsTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void CourseCreate_ThenListJson_ShowsCourse()
    {
        Assert.Equal(0, _cli.Run("course", "create", "cs101", "--title", "Intro to CS", "--term", "2025-fall").Exit);

        var list = _cli.Json("course", "list", "--json");

        var course = Assert.Single(list.EnumerateArray());
        Assert.Equal("cs101", course.GetProperty("id").GetString());
        Assert.Equal("Intro to CS", course.GetProperty("title").GetString());
        Assert.Equal("2025-fall", course.GetProperty("term").GetString());
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("CS 101")]
    [InlineData(".x")]
    public void CourseCreate_InvalidId_Exit1(string id)
    {
        var (exit, _, err) = _cli.Run("course", "create", id, "--title", "T");

        Assert.Equal(1, exit);
        Assert.Contains("not a valid course id", err, StringComparison.Ordinal);
    }

    [Fact]
    public void CourseCreate_Twice_Exit1()
    {
        _cli.Run("course", "create", "cs101", "--title", "A");

        Assert.Equal(1, _cli.Run("course", "create", "cs101", "--title", "B").Exit);
    }

    [Fact]
    public void CourseCreate_NoTitle_Exit2()
    {
        Assert.Equal(2, _cli.Run("course", "create", "cs101").Exit);
    }

    [Fact]
    public void StaffAdd_Ta_ListedAsTaAndNeverMissing()
    {
        _cli.Run("course", "create", "cs101", "--title", "A");
        Assert.Equal(0, _cli.Run("course", "staff", "add", "cs101", "tina", "--role", "ta").Exit);
        var file = _cli.WriteFile("r.csv", "username,name\nalice,Alice A\n");

        var plan = _cli.Json("roster", "import", "cs101", file, "--drop-missing", "--json");

        Assert.Empty(plan.GetProperty("dropped").EnumerateArray());
        var roster = _cli.Json("roster", "list", "cs101", "--json").EnumerateArray().ToList();
        Assert.Equal("ta", roster.Single(m => m.GetProperty("username").GetString() == "tina").GetProperty("role").GetString());
    }

    [Fact]
    public void StaffAdd_BadRole_Exit2()
    {
        _cli.Run("course", "create", "cs101", "--title", "A");

        Assert.Equal(2, _cli.Run("course", "staff", "add", "cs101", "tina", "--role", "god").Exit);
    }
}
