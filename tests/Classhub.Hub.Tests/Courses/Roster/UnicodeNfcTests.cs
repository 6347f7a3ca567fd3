using System.Globalization;
using System.Text;
using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Tests.Courses.Roster;

public sealed class UnicodeNfcTests
{
    [Fact]
    public void Normalize_GeneratedCases_MatchReferenceNfc()
    {
        var failures = new List<string>();
        foreach (var line in File.ReadLines(RosterSamples.PathOf("nfc-cases.txt")).Where(l => !l.StartsWith('#')))
        {
            var parts = line.Split(';');
            var actual = UnicodeNfc.Normalize(FromHex(parts[0]));
            if (actual != FromHex(parts[1]))
            {
                failures.Add($"{parts[0]} gave {ToHex(actual)}, expected {parts[1]}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("Ada Lovelace")]
    [InlineData("José Müller")]
    [InlineData("")]
    public void Normalize_AlreadyComposed_ReturnsSameText(string value)
    {
        Assert.Equal(value, UnicodeNfc.Normalize(value));
    }

    private static string FromHex(string codePoints) =>
        string.Concat(codePoints.Split(' ').Select(h => new Rune(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString()));

    private static string ToHex(string value) => string.Join(' ', value.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)));
}
