using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Classhub.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class RosterCommandsTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public RosterCommandsTests()
    {
        Assert.Equal(0, _cli.Run("course", "create", "cs101", "--title", "Intro", "--term", "2025-fall").Exit);
    }

    public void Dispose() => _cli.Dispose();

    private string[] RosterNames(string status = "active") =>
        _cli.Json("roster", "list", "cs101", "--json").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == status)
            .Select(m => m.GetProperty("username").GetString()!).ToArray();

    [Theory]
    [InlineData("canvas-gradebook.csv", "canvas-gradebook", new[] { "an.nguyen", "lobrien", "sgarcia", "zwojcik" })]
    [InlineData("canvas-sis-users.csv", "canvas-sis", new[] { "jchen", "kmeyer" })]
    [InlineData("moodle-upload-users.csv", "moodle", new[] { "ekaya", "jbloggs", "lhansen", "mrossi" })]
    [InlineData("github-classroom-roster.csv", "github-classroom", new[] { "dependabot-fan", "hubot", "octo-cat" })]
    [InlineData("generic-spreadsheet.csv", "generic", new[] { "ada", "aturing", "edsger", "ghopper" })]
    [InlineData("excel-semicolon.csv", "generic", null)]
    public void Import_RealExport_AppliedExit0(string sample, string format, string[]? added)
    {
        var (exit, output, err) = _cli.Run("roster", "import", "cs101", CliRunner.Sample(sample), "--json");

        Assert.True(exit == 0, output + err);
        var plan = JsonDocument.Parse(output).RootElement;
        Assert.Equal(format, plan.GetProperty("format").GetString());
        Assert.True(plan.GetProperty("applied").GetBoolean());
        Assert.Empty(plan.GetProperty("errors").EnumerateArray());
        if (added is not null)
        {
            Assert.Equal(added, CliRunner.Names(plan.GetProperty("added")));
            Assert.Equal(added, RosterNames());
        }
        else
        {
            Assert.NotEmpty(plan.GetProperty("added").EnumerateArray());
        }
    }

    [Fact]
    public void Import_Json_HasEveryFieldOfThePlan()
    {
        var plan = _cli.Json("roster", "import", "cs101", CliRunner.Sample("canvas-gradebook.csv"), "--json");

        Assert.Equal(
            ["format", "applied", "added", "updated", "unchanged", "missing", "dropped", "warnings", "errors"],
            plan.EnumerateObject().Select(p => p.Name));
        var warning = Assert.Single(plan.GetProperty("warnings").EnumerateArray());
        Assert.Equal(6, warning.GetProperty("line").GetInt32());
    }

    [Fact]
    public void Import_ExplicitFormat_UsedEvenWhenAutoWouldAgree()
    {
        var plan = _cli.Json("roster", "import", "cs101", CliRunner.Sample("moodle-upload-users.csv"), "--format", "moodle", "--dry-run", "--json");

        Assert.Equal("moodle", plan.GetProperty("format").GetString());
    }

    [Fact]
    public void Import_WrongExplicitFormat_Exit1WithHeaderError()
    {
        var (exit, output, _) = _cli.Run("roster", "import", "cs101", CliRunner.Sample("moodle-upload-users.csv"), "--format", "canvas-sis", "--json");

        Assert.Equal(1, exit);
        Assert.Contains("Canvas SIS", output, StringComparison.Ordinal);
        Assert.Empty(RosterNames());
    }

    [Fact]
    public void Import_ReimportCycle_UnchangedUpdatedMissingDropped()
    {
        var v1 = _cli.WriteFile("v1.csv", "username,name,email,section\nalice,Alice A,alice@uni.example,A\nbob,Bob B,bob@uni.example,A\ncarol,Carol C,,B\n");
        var first = _cli.Json("roster", "import", "cs101", v1, "--json");
        Assert.Equal(["alice", "bob", "carol"], CliRunner.Names(first.GetProperty("added")));

        var again = _cli.Json("roster", "import", "cs101", v1, "--json");
        Assert.Equal(["alice", "bob", "carol"], CliRunner.Names(again.GetProperty("unchanged")));
        Assert.Empty(again.GetProperty("added").EnumerateArray());

        var v2 = _cli.WriteFile("v2.csv", "username,name,email,section\nalice,Alice A,alice@uni.example,B\nbob,Bob B,bob@uni.example,A\ndave,Dave D,,B\n");
        var second = _cli.Json("roster", "import", "cs101", v2, "--json");
        Assert.Equal(["dave"], CliRunner.Names(second.GetProperty("added")));
        Assert.Equal(["alice"], CliRunner.Names(second.GetProperty("updated")));
        Assert.Equal(["bob"], CliRunner.Names(second.GetProperty("unchanged")));
        Assert.Equal(["carol"], CliRunner.Names(second.GetProperty("missing")));
        Assert.Empty(second.GetProperty("dropped").EnumerateArray());
        Assert.Equal(["alice", "bob", "carol", "dave"], RosterNames());

        var third = _cli.Json("roster", "import", "cs101", v2, "--drop-missing", "--json");
        Assert.Equal(["carol"], CliRunner.Names(third.GetProperty("dropped")));
        Assert.Equal(["carol"], RosterNames("dropped"));

        var back = _cli.Json("roster", "import", "cs101", v1, "--json");
        Assert.Contains("carol", CliRunner.Names(back.GetProperty("updated")));
        Assert.Equal(["dave"], CliRunner.Names(back.GetProperty("missing")));
        Assert.Empty(RosterNames("dropped"));
    }

    [Fact]
    public void Import_DryRun_ChangesNothingExit0()
    {
        var (exit, output, _) = _cli.Run("roster", "import", "cs101", CliRunner.Sample("generic-spreadsheet.csv"), "--dry-run", "--json");

        Assert.Equal(0, exit);
        Assert.False(JsonDocument.Parse(output).RootElement.GetProperty("applied").GetBoolean());
        Assert.Empty(RosterNames());
    }

    public static TheoryData<string, string> HostileFiles => new()
    {
        { "garbage", "\u0001\u0002\u0003\u0000\u00ff binary junk \u0000\u0000" },
        { "empty", "" },
        { "header only", "username,name,email\n" },
        { "traversal", "username,name\nalice,Alice\n../../etc/passwd,Mallory\n" },
        { "reserved", "username,name\nalice,Alice\nroot,Root\n" },
        { "collision", "username,name\nalice,Alice\nALICE@uni.example,Alice again\n" },
        { "too few columns", "username,name,email,section\nalice,Alice,a@uni.example,A\nbob\n" },
        { "unknown header", "foo,bar\n1,2\n" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Import_HostileFile_Exit1NothingApplied(string what, string text)
    {
        var file = _cli.WriteFile("hostile.csv", text);

        var (exit, output, err) = _cli.Run("roster", "import", "cs101", file, "--json");

        Assert.True(exit == 1, $"{what}: {output}{err}");
        var plan = JsonDocument.Parse(output).RootElement;
        Assert.False(plan.GetProperty("applied").GetBoolean());
        Assert.NotEmpty(plan.GetProperty("errors").EnumerateArray());
        Assert.Empty(RosterNames());
    }

    [Fact]
    public void Import_BadRows_ErrorsNameThePhysicalLine()
    {
        // The quoted name spans lines 2-3, so bob's record starts on physical line 4 and root's on 5.
        var file = _cli.WriteFile("lines.csv", "username,name\nalice,\"Alice\nSmith\"\n../bob,Bob\nroot,Root\n");

        var plan = _cli.Json("roster", "import", "cs101", file, "--json");

        var errors = plan.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([4, 5], errors.Select(e => e.GetProperty("line").GetInt32()));
        Assert.All(errors, e => Assert.Equal("username", e.GetProperty("field").GetString()));
    }

    [Fact]
    public void Import_SkipInvalid_AppliesValidRowsListsErrorsExit0()
    {
        var file = _cli.WriteFile("mixed.csv", "username,name\nalice,Alice\nroot,Root\nbob,Bob\n");

        var (exit, output, _) = _cli.Run("roster", "import", "cs101", file, "--skip-invalid", "--json");

        Assert.Equal(0, exit);
        var plan = JsonDocument.Parse(output).RootElement;
        Assert.True(plan.GetProperty("applied").GetBoolean());
        Assert.Equal(3, Assert.Single(plan.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt32());
        Assert.Equal(["alice", "bob"], RosterNames());
    }

    [Fact]
    public void Import_WithoutJson_PrintsReadableTable()
    {
        var (exit, output, _) = _cli.Run("roster", "import", "cs101", CliRunner.Sample("generic-spreadsheet.csv"));

        Assert.Equal(0, exit);
        Assert.Contains("format: generic; applied", output, StringComparison.Ordinal);
        Assert.Contains("added", output, StringComparison.Ordinal);
        Assert.Contains("ada, aturing, edsger, ghopper", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_UnknownCourse_Exit1()
    {
        Assert.Equal(1, _cli.Run("roster", "import", "nope", CliRunner.Sample("generic-spreadsheet.csv")).Exit);
    }

    [Theory]
    [InlineData("--format", "excel")]
    [InlineData("--bogus", "x")]
    public void Import_UsageError_Exit2(string option, string value)
    {
        Assert.Equal(2, _cli.Run("roster", "import", "cs101", CliRunner.Sample("generic-spreadsheet.csv"), option, value).Exit);
    }

    [Fact]
    public void Import_MissingFile_Exit2()
    {
        Assert.Equal(2, _cli.Run("roster", "import", "cs101", Path.Combine(_cli.DataDir, "nope.csv")).Exit);
    }

    [Fact]
    public void Invites_Csv_OneLinkPerStudentFormulasNeutralized()
    {
        var file = _cli.WriteFile("r.csv", "username,name,email,role\nalice,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",alice@uni.example,\nbob,Bob,,\nprof,Prof,,instructor\n");
        Assert.Equal(0, _cli.Run("roster", "import", "cs101", file).Exit);

        var (exit, output, _) = _cli.Run("roster", "invites", "cs101", "--csv");

        Assert.Equal(0, exit);
        var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("username,name,email,link", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("alice,\"'=HYPERLINK(", lines[1], StringComparison.Ordinal);
        Assert.Matches("^bob,Bob,,http://127.0.0.1:8000/hub/invite/[A-Za-z0-9_-]+$", lines[2]);
    }

    [Fact]
    public void Import_TenThousandRows_AllAddedInOneImport()
    {
        var text = new StringBuilder("username,name,email,section\n");
        for (var i = 0; i < 10_000; i++)
        {
            text.Append($"s{i:D5},Student {i},s{i:D5}@uni.example,S{i % 7}\n");
        }

        var file = _cli.WriteFile("big.csv", text.ToString());
        var watch = Stopwatch.StartNew();
        var plan = _cli.Json("roster", "import", "cs101", file, "--json");
        watch.Stop();

        Assert.Equal(10_000, plan.GetProperty("added").GetArrayLength());
        Assert.Equal(10_000, RosterNames().Length);
        // Not the budget (bench/ measures the AOT binary); a guard against accidental quadratic work.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.Elapsed}");
    }
}
