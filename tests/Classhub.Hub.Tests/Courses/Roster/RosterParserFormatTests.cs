using Classhub.Hub.Courses.Roster;
using static Classhub.Hub.Tests.Courses.Roster.RosterSamples;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class RosterParserFormatTests
{
    [Fact]
    public void Parse_CanvasGradebook_ReadsStudentsFromSisLoginId()
    {
        var result = ParseSample("canvas-gradebook.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.CanvasGradebook, result.Format);
        Assert.Equal(["an.nguyen", "sgarcia", "lobrien", "zwojcik"], result.Entries.Select(e => e.Username));
        Assert.Equal([3, 4, 5, 7], result.Entries.Select(e => e.Line));
        var sofia = result.Entries[1];
        Assert.Equal(new RosterEntry(4, "sgarcia", "García Márquez, Sofía", null, RosterRole.Student, "DATA 101 - Section 01", RosterStatus.Active), sofia);
        Assert.Equal("DATA 101 - Section 02", result.Entries[2].Section);
    }

    [Fact]
    public void Parse_CanvasGradebook_SkipsPointsPossibleSilentlyAndTestStudentWithWarning()
    {
        var result = ParseSample("canvas-gradebook.csv");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(6, warning.Line);
        Assert.Contains("Test Student", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Entries, e => e.Name is not null && e.Name.Contains("Points", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CanvasGradebookWithIntegrationIdAndManualPostingRow_SkipsNonStudentRows()
    {
        var result = ParseSample("canvas-gradebook-integration.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("htanaka", 4), ("cokafor", 5), ("evil", 7)], result.Entries.Select(e => (e.Username, e.Line)));
        Assert.Equal(["CS 210 Lab A", "CS 210 Lab A and CS 210 Lab B", "CS 210 Lab B"], result.Entries.Select(e => e.Section));
        Assert.Equal(8, Assert.Single(result.Warnings).Line);
    }

    [Fact]
    public void Parse_CanvasGradebookNameWrappedByCanvasForExcel_IsUnwrappedAndStoredAsGiven()
    {
        var evil = ParseSample("canvas-gradebook-integration.csv").Entries.Single(e => e.Username == "evil");

        Assert.Equal("=SUM(1+1), Evil", evil.Name);
        Assert.Equal("'=SUM(1+1), Evil", CsvExport.Neutralize(evil.Name!));
    }

    [Fact]
    public void Parse_CanvasGradebookWithFirstAndLastNameColumns_JoinsNameAndSkipsTestStudent()
    {
        var result = ParseSample("canvas-gradebook-first-last.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.CanvasGradebook, result.Format);
        Assert.Equal(
            [new RosterEntry(3, "mivanova", "Mila Ivanova", null, RosterRole.Student, "ENG 102-01", RosterStatus.Active),
             new RosterEntry(4, "ohaddad", "Omar Haddad", null, RosterRole.Student, "ENG 102-01", RosterStatus.Active)],
            result.Entries);
        Assert.Equal(5, Assert.Single(result.Warnings).Line);
    }

    [Fact]
    public void Parse_CanvasSisUsers_DeletedAndSuspendedAreDropped()
    {
        var result = ParseSample("canvas-sis-users.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.CanvasSisUsers, result.Format);
        Assert.Equal(
            [("kmeyer", RosterStatus.Active), ("jchen", RosterStatus.Active), ("pdubois", RosterStatus.Dropped), ("aalvarez", RosterStatus.Dropped)],
            result.Entries.Select(e => (e.Username, e.Status)));
        Assert.Equal(["Katrin Meyer", "Jia Chen", "Pierre-Louis Dubois", "Ana Álvarez"], result.Entries.Select(e => e.Name));
        Assert.Equal("kmeyer@uni.example.edu", result.Entries[0].Email);
    }

    [Fact]
    public void Parse_CanvasSisUsersMinimal_ReadsIssueLayout()
    {
        var result = ParseSample("canvas-sis-users-minimal.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new RosterEntry(4, "psue01", "Peggy Sue", "peggy.sue@myschool.edu", RosterRole.Student, null, RosterStatus.Dropped), result.Entries[2]);
    }

    [Fact]
    public void Parse_MoodleUploadUsers_UsesGroup1AsSectionMapsRolesAndDropsPassword()
    {
        var result = ParseSample("moodle-upload-users.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.Moodle, result.Format);
        Assert.Equal(new RosterEntry(2, "jbloggs", "Joe Bloggs", "joe.bloggs@school.example.org", RosterRole.Student, "Group A", RosterStatus.Active), result.Entries[0]);
        Assert.Equal([RosterRole.Student, RosterRole.Student, RosterRole.Ta, RosterRole.Instructor], result.Entries.Select(e => e.Role));
        Assert.DoesNotContain(result.Entries, e => e.ToString().Contains("Changeme1!", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_GitHubClassroomRoster_LinksGitHubUsernamesAndWarnsAboutUnlinked()
    {
        var result = ParseSample("github-classroom-roster.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.GitHubClassroom, result.Format);
        Assert.Equal(["octo-cat", "hubot", "dependabot-fan"], result.Entries.Select(e => e.Username));
        Assert.Equal("s2201@uni.example.edu", result.Entries[0].Email);
        Assert.Null(result.Entries[2].Email);
        Assert.Equal("Mona Lisa Octocat", result.Entries[0].Name);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(4, warning.Line);
        Assert.Contains("s2203@uni.example.edu", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SpreadsheetWithoutUsernameColumn_UsesEmailLocalPartAndRoleColumn()
    {
        var result = ParseSample("generic-spreadsheet.csv");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.Generic, result.Format);
        Assert.Equal(
            [("ada", RosterRole.Student), ("aturing", RosterRole.Student), ("ghopper", RosterRole.Ta), ("edsger", RosterRole.Instructor)],
            result.Entries.Select(e => (e.Username, e.Role)));
        Assert.Equal("Mon 9am", result.Entries[0].Section);
        Assert.Null(result.Entries[2].Section);
    }

    [Theory]
    [InlineData("Login,Display Name,E-Mail Address\njdoe,Jane Doe,jane@x.org\n")]
    [InlineData("USER,first_name,Last Name,email\njdoe,Jane,Doe,jane@x.org\n")]
    [InlineData("user name,Name,mail\njdoe,Jane Doe,jane@x.org\n")]
    public void Parse_SpreadsheetHeaderVariants_AreRecognisedCaseInsensitively(string text)
    {
        var result = ParseText(text);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new RosterEntry(2, "jdoe", "Jane Doe", "jane@x.org", RosterRole.Student, null, RosterStatus.Active), Assert.Single(result.Entries));
    }

    [Fact]
    public void Parse_MoodleSuspendedFlag_MarksDropped()
    {
        var result = ParseText("username,firstname,lastname,email,suspended\njbloggs,Joe,Bloggs,joe@x.org,1\nmrossi,Marco,Rossi,marco@x.org,0\n");

        Assert.Equal([RosterStatus.Dropped, RosterStatus.Active], result.Entries.Select(e => e.Status));
    }

    [Fact]
    public void Parse_SpreadsheetStatusColumn_DroppedIsDropped()
    {
        var result = ParseText("username,status\nada,active\nalan,Dropped\ngrace,\n");

        Assert.Equal([RosterStatus.Active, RosterStatus.Dropped, RosterStatus.Active], result.Entries.Select(e => e.Status));
    }

    [Fact]
    public void Parse_RequestedFormatMatchingHeader_UsesThatFormat()
    {
        var result = ParseSample("moodle-upload-users.csv", RosterFormat.Generic);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(RosterFormat.Generic, result.Format);
    }

    [Fact]
    public void Parse_RequestedFormatNotMatchingHeader_ErrorListsThatFormatsHeaders()
    {
        var result = ParseSample("moodle-upload-users.csv", RosterFormat.CanvasGradebook);

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("Canvas gradebook export", error.Message, StringComparison.Ordinal);
        Assert.Contains("SIS Login ID", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Entries);
    }
}
