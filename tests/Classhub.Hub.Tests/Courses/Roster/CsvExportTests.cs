using System.Text;
using Classhub.Hub.Courses.Roster;
using static Classhub.Hub.Tests.Courses.Roster.RosterSamples;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class CsvExportTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+49 30 1234", "'+49 30 1234")]
    [InlineData("-5", "'-5")]
    [InlineData("@me", "'@me")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    public void Cell_FormulaStart_GetsLeadingApostrophe(string value, string expected)
    {
        Assert.Equal(expected, CsvExport.Cell(value));
    }

    [Theory]
    [InlineData("Ada Lovelace", "Ada Lovelace")]
    [InlineData("Doe, Jane", "\"Doe, Jane\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("a=b", "a=b")]
    [InlineData(null, "")]
    public void Cell_PlainOrSpecialCharacters_QuotedOnlyWhenNeeded(string? value, string expected)
    {
        Assert.Equal(expected, CsvExport.Cell(value));
    }

    [Fact]
    public void WriteRow_Cells_CommaSeparatedWithCrlf()
    {
        var writer = new StringWriter();

        CsvExport.WriteRow(writer, ["a", null, "=x", "b,c"]);

        Assert.Equal("a,,'=x,\"b,c\"\r\n", writer.ToString());
    }

    [Fact]
    public void WriteRoster_ParsedRoster_ReadsBackIdentically()
    {
        var original = ParseSample("moodle-upload-users.csv").Entries;
        var writer = new StringWriter();

        CsvExport.WriteRoster(writer, original);
        var reread = ParseBytes(Encoding.UTF8.GetBytes(writer.ToString()));

        Assert.True(reread.Succeeded, string.Join("\n", reread.Errors));
        Assert.Equal(RosterFormat.Generic, reread.Format);
        Assert.Equal(original, reread.Entries);
    }
}
