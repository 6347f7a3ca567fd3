using System.Text;
using Classhub.Hub.Courses.Roster;
using static Classhub.Hub.Tests.Courses.Roster.RosterSamples;

namespace Classhub.Hub.Tests.Courses.Roster;

/// <summary>Size only; speed is measured by bench/, not here.</summary>
public sealed class RosterParserScaleTests
{
    [Fact]
    public void Parse_TenThousandRows_AllRead()
    {
        var text = new StringBuilder("username,name,email,section,role\r\n");
        for (var i = 0; i < 10_000; i++)
        {
            text.Append(CultureInfoFree($"s{i:D5},\"Student, Number {i}\",s{i:D5}@uni.example.edu,Section {i % 12},student\r\n"));
        }

        var result = ParseText(text.ToString());

        Assert.True(result.Succeeded, string.Join("\n", result.Errors.Take(5)));
        Assert.Equal(10_000, result.Entries.Count);
        Assert.Equal(new RosterEntry(10_001, "s09999", "Student, Number 9999", "s09999@uni.example.edu", RosterRole.Student, "Section 3", RosterStatus.Active), result.Entries[^1]);
    }

    private static string CultureInfoFree(FormattableString value) => FormattableString.Invariant(value);
}
