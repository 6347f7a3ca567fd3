using System.Text;
using Classhub.Hub.Courses.Roster;
using static Classhub.Hub.Tests.Courses.Roster.RosterSamples;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class RosterParserHostileInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomBytes_ErrorNotException(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);

        var result = ParseBytes(bytes);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Entries);
        Assert.Equal(0, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Parse_PngFile_ErrorSaysNotACsvRoster()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 };

        var error = Assert.Single(ParseBytes(png).Errors);

        Assert.Contains("CSV UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ZipLikeAsciiGarbageWithNul_ErrorSaysBinary()
    {
        var error = Assert.Single(ParseBytes(Encoding.ASCII.GetBytes("PK\u0003\u0004username,name\0\0")).Errors);

        Assert.Contains("binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Latin1EncodedFile_ErrorSaysSaveAsUtf8()
    {
        var latin1 = Encoding.Latin1.GetBytes("username,name\njmuller,Jürgen Müller\n");

        var error = Assert.Single(ParseBytes(latin1).Errors);

        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Utf16WithoutBom_ErrorNotException()
    {
        var result = ParseBytes(Encoding.Unicode.GetBytes("username,name\njdoe,Jane\n"));

        Assert.Equal("the file contains binary data, so it is not a CSV roster; save the roster as \"CSV UTF-8\" (or Excel's \"Unicode text\") and import that file",
            Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n  \n")]
    [InlineData("\uFEFF")]
    public void Parse_EmptyFile_ErrorSaysEmpty(string text)
    {
        var result = ParseText(text);

        Assert.Contains("empty", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HeaderOnly_ErrorNamesFormatAndSaysNoRows()
    {
        var result = ParseText("user_id,login_id,first_name,last_name,email,status\r\n");

        var error = Assert.Single(result.Errors);
        Assert.Contains("only a header", error.Message, StringComparison.Ordinal);
        Assert.Contains("Canvas SIS users.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownHeader_ErrorListsHeadersExpectedForEveryFormat()
    {
        var result = ParseText("Vorname,Nachname,Klasse\nJan,Muster,5a\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Null(error.Field);
        Assert.Contains("'Vorname', 'Nachname', 'Klasse'", error.Message, StringComparison.Ordinal);
        foreach (var expected in new[] { "SIS Login ID", "login_id", "firstname", "github_username", "username, login or user" })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_PathTraversalUsername_ErrorNamesLineFieldAndFix()
    {
        var text = "Student,ID,SIS User ID,SIS Login ID,Section\n"
            + "    Points Possible,,,,\n"
            + "\"Doe, Jane\",1,S1,jdoe,A\n"
            + "\"Evil, Eve\",2,S2,../etc,A\n";

        var result = ParseText(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Equal("SIS Login ID", error.Field);
        Assert.StartsWith("line 4, SIS Login ID: '../etc'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("may not", error.Message, StringComparison.Ordinal);
        Assert.Equal("jdoe", Assert.Single(result.Entries).Username);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("Admin")]
    [InlineData("www-data")]
    [InlineData("hub@school.example.org")]
    public void Parse_ReservedUsername_ErrorSaysReserved(string username)
    {
        var error = Assert.Single(ParseText($"username\n{username}\n").Errors);

        Assert.Equal("username", error.Field);
        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExistingSystemAccount_ErrorSaysSystemAccount()
    {
        var error = Assert.Single(ParseText("username\npostgres\n").Errors);

        Assert.Equal(2, error.Line);
        Assert.Contains("system account", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-rf")]
    [InlineData(".hidden")]
    [InlineData("1student")]
    [InlineData("a b")]
    [InlineData("thisusernameiswaytoolongforunixlogin")]
    [InlineData("jürgen")]
    public void Parse_InvalidUsername_ErrorNamesUsernameField(string username)
    {
        var error = Assert.Single(ParseText($"login,name\n\"{username}\",X\n").Errors);

        Assert.Equal((2, "login"), (error.Line, error.Field));
    }

    [Fact]
    public void Parse_EmptyUsername_ErrorAsksToFillItIn()
    {
        var error = Assert.Single(ParseText("username,name\n,Jane Doe\n").Errors);

        Assert.Equal("line 2, username: is empty; every person needs a user name — fill in username or remove the row", error.ToString());
    }

    [Fact]
    public void Parse_TwoRowsWithOneUsername_ErrorNamesBothLines()
    {
        var result = ParseText("username,email\njdoe,jdoe@a.org\nada,ada@a.org\nJDoe@b.org,jane@b.org\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("lines 2 and 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("'jdoe'", error.Message, StringComparison.Ordinal);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Parse_TooFewColumns_ErrorNamesMissingColumns()
    {
        var result = ParseText("username,name,email,section\njdoe,Jane Doe,jane@x.org,A\nada,Ada Lovelace\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("email, section", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnquotedSeparatorInValue_WarnsAboutExtraColumns()
    {
        var result = ParseText("username,name\njdoe,Doe, Jane\n");

        Assert.Equal("Doe", Assert.Single(result.Entries).Name);
        Assert.Contains("put it in quotes", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownRole_ErrorNamesRoleField()
    {
        var error = Assert.Single(ParseText("username,role\njdoe,professor\n").Errors);

        Assert.Equal("line 2, role: 'professor' is not a role: use student, ta or instructor (empty means student)", error.ToString());
    }

    [Fact]
    public void Parse_UnknownCanvasStatus_ErrorNamesStatusField()
    {
        var error = Assert.Single(ParseText("user_id,login_id,status\n1,jdoe,graduated\n").Errors);

        Assert.Equal((2, "status"), (error.Line, error.Field));
    }

    [Fact]
    public void Parse_BadEmail_ErrorNamesEmailField()
    {
        var error = Assert.Single(ParseText("username,email\njdoe,jane at example.org\n").Errors);

        Assert.Equal((2, "email"), (error.Line, error.Field));
    }

    [Fact]
    public void Parse_UnclosedQuote_ErrorNamesLineWhereRecordStarts()
    {
        var result = ParseText("username,name\njdoe,Jane\nada,\"Ada Lovelace\nalan,Alan\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("quot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextAfterClosingQuote_ErrorNotException()
    {
        var result = ParseText("username,name\njdoe,\"Jane\"Doe\n");

        Assert.Equal(2, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Parse_AllRowsSkipped_ErrorSaysNothingToImport()
    {
        var result = ParseText("identifier,github_username,github_id,name\ns1,,,\ns2,,,\n");

        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains("nothing to import", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A2)")]
    public void Parse_FormulaLikeName_IsStoredAsGivenAndNeutralisedByCsvExport(string name)
    {
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        var entry = Assert.Single(ParseText($"username,name\njdoe,{quoted}\n").Entries);

        Assert.Equal(name, entry.Name);
        var exported = new StringWriter();
        CsvExport.WriteRoster(exported, [entry]);
        Assert.Contains("'" + name[0], exported.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("," + name[0], exported.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(",\"" + name[0], exported.ToString(), StringComparison.Ordinal);
    }
}
