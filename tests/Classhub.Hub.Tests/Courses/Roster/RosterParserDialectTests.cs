using System.Text;
using Classhub.Hub.Courses.Roster;
using static Classhub.Hub.Tests.Courses.Roster.RosterSamples;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class RosterParserDialectTests
{
    [Fact]
    public void Parse_Utf8WithBom_RecognisesFirstHeader()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("username,name\njdoe,Jane Doe\n")).ToArray();

        var result = ParseBytes(bytes);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("jdoe", Assert.Single(result.Entries).Username);
    }

    [Fact]
    public void Parse_Utf8WithoutBom_KeepsUnicodeNames()
    {
        var result = ParseText("username,name\nzwojcik,Zofia Wójcik\nyzhang,张雨\n");

        Assert.Equal(["Zofia Wójcik", "张雨"], result.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Parse_ExcelUnicodeText_ReadsUtf16TabSeparated()
    {
        var result = ParseSample("excel-unicode-text.txt");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            [new RosterEntry(2, "lmuller", "Lena Müller", "l.mueller@schule.example.de", RosterRole.Student, "Kurs A", RosterStatus.Active),
             new RosterEntry(3, "yzhang", "张雨", "y.zhang@schule.example.de", RosterRole.Student, "Kurs B", RosterStatus.Active)],
            result.Entries);
    }

    [Fact]
    public void Parse_Utf16BigEndianWithBom_IsRead()
    {
        var text = "username\tname\r\njdoe\tJane Doe\r\n";
        var bytes = new byte[] { 0xFE, 0xFF }.Concat(Encoding.BigEndianUnicode.GetBytes(text)).ToArray();

        var result = ParseBytes(bytes);

        Assert.Equal("Jane Doe", Assert.Single(result.Entries).Name);
    }

    [Fact]
    public void Parse_SemicolonSeparatedExcel_UnwrapsTextFormulaAndIgnoresTrailingEmptyColumns()
    {
        var result = ParseSample("excel-semicolon.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            new RosterEntry(2, "jvries", "Jan de Vries", "jan.devries@school.example.nl", RosterRole.Student, "007", RosterStatus.Active),
            result.Entries[0]);
        Assert.Equal("010", result.Entries[1].Section);
    }

    [Fact]
    public void Parse_ExcelTextFormulaInUsername_IsUnwrapped()
    {
        var result = ParseText("username,section\n=\"_00123\",=\"00123\"\n\"=\"\"jdoe\"\"\",A\n");

        Assert.Equal([("_00123", "00123"), ("jdoe", "A")], result.Entries.Select(e => (e.Username, e.Section!)));
    }

    [Fact]
    public void Parse_QuotedFieldWithEmbeddedNewlines_LaterRecordsKeepPhysicalLineNumbers()
    {
        var text = "username,name,notes\n"
            + "ada,Ada Lovelace,\"first line\nsecond line\r\nthird line\"\n"
            + "alan,Alan Turing,\n"
            + "../etc,Bad Name,\"a, b\nc\"\n"
            + "grace,Grace Hopper,\n";

        var result = ParseText(text);

        Assert.Equal([("ada", 2), ("alan", 5), ("grace", 8)], result.Entries.Select(e => (e.Username, e.Line)));
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Equal("username", error.Field);
    }

    [Fact]
    public void Parse_CrlfLfAndLoneCr_AllEndLines()
    {
        var result = ParseText("username,name\r\nada,Ada\nalan,Alan\r\ngrace,Grace\rlinus,Linus");

        Assert.Equal([("ada", 2), ("alan", 3), ("grace", 4), ("linus", 5)], result.Entries.Select(e => (e.Username, e.Line)));
    }

    [Fact]
    public void Parse_BlankLinesAndEmptyRows_AreIgnoredButCountedForLineNumbers()
    {
        var result = ParseText("\n\nusername,name\n\nada,Ada\n   \n,,\n\r\nalan,Alan\n\n\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("ada", 5), ("alan", 9)], result.Entries.Select(e => (e.Username, e.Line)));
    }

    [Fact]
    public void Parse_BlankLinesBeforeHeader_UnknownHeaderErrorNamesItsLine()
    {
        var result = ParseText("\n\nfoo,bar\n1,2\n");

        Assert.Equal(3, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Parse_TrailingEmptyColumnsInHeaderAndRows_AreIgnored()
    {
        var result = ParseText("username,name,,,\nada,Ada Lovelace,,,\nalan,Alan Turing,,\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["ada", "alan"], result.Entries.Select(e => e.Username));
    }

    [Theory]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData('\t')]
    public void Parse_AnySupportedSeparator_IsDetected(char separator)
    {
        var text = string.Join(separator, "username", "name", "section") + "\n" + string.Join(separator, "jdoe", "\"Doe, Jane; T.\"", "A") + "\n";

        var result = ParseText(text);

        Assert.Equal(new RosterEntry(2, "jdoe", "Doe, Jane; T.", null, RosterRole.Student, "A", RosterStatus.Active), Assert.Single(result.Entries));
    }

    [Fact]
    public void Parse_DecomposedName_IsStoredAsNfc()
    {
        var decomposed = "Jose\u0301 Mu\u0308ller \u1100\u1161";

        var result = ParseText($"username,name\njmuller,{decomposed}\n");

        Assert.Equal("Jos\u00e9 M\u00fcller \uac00", Assert.Single(result.Entries).Name);
    }

    [Fact]
    public void Parse_NameWithLineBreaksAndRunsOfSpaces_IsFoldedToOneLine()
    {
        var result = ParseText("username,name\njdoe,\"  Jane \r\n  Q.   Doe \"\n");

        Assert.Equal("Jane Q. Doe", Assert.Single(result.Entries).Name);
    }
}
