using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class SystemAccountsTests
{
    [Fact]
    public void FromPasswdFile_UidsBelow1000_AreSystemAccounts()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, [
                "root:x:0:0:root:/root:/bin/bash",
                "postgres:x:105:111:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash",
                "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash",
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
                "garbage line",
            ]);

            var isSystemAccount = SystemAccounts.FromPasswdFile(path);

            Assert.True(isSystemAccount("postgres"));
            Assert.True(isSystemAccount("root"));
            Assert.False(isSystemAccount("alice"));
            Assert.False(isSystemAccount("nobody"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromPasswdFile_MissingFile_NoSystemAccounts()
    {
        Assert.False(SystemAccounts.FromPasswdFile("/nonexistent/passwd")("postgres"));
    }

    [Fact]
    public void ForPasswdFile_SystemAccountInRoster_IsRejected()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "mysql:x:112:117:MySQL Server,,,:/nonexistent:/bin/false\n");
            using var roster = new MemoryStream("username\nmysql\njdoe\n"u8.ToArray());

            var result = RosterParser.ForPasswdFile(path).Parse(roster);

            Assert.Equal(2, Assert.Single(result.Errors).Line);
            Assert.Equal("jdoe", Assert.Single(result.Entries).Username);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_AccountCheckSaysBlocksOrWarns_ErrorOnThatRowOrWarningAndTheRowKept()
    {
        using var roster = new MemoryStream("username\nstaffer\nunixer\njdoe\n"u8.ToArray());
        var parser = new RosterParser(_ => false, name => name switch
        {
            "staffer" => ("a Unix account staffer already exists on this server and classhub did not create it", true),
            "unixer" => ("signs in with PAM", false),
            _ => null,
        });

        var result = parser.Parse(roster);

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 2, username: a Unix account staffer already exists on this server and classhub did not create it", error.ToString());
        Assert.Equal("line 3: signs in with PAM", Assert.Single(result.Warnings).ToString());
        Assert.Equal(["unixer", "jdoe"], result.Entries.Select(e => e.Username));
    }
}
