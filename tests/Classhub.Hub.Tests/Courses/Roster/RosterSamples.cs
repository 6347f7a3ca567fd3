using System.Runtime.CompilerServices;
using System.Text;
using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Tests.Courses.Roster;

/// <summary>Sample rosters under Samples/ and a parser whose only system account is "postgres".</summary>
internal static class RosterSamples
{
    public static readonly RosterParser Parser = new(name => name == "postgres");

    public static RosterParseResult ParseSample(string name, RosterFormat format = RosterFormat.Auto)
    {
        using var stream = File.OpenRead(PathOf(name));
        return Parser.Parse(stream, format);
    }

    public static RosterParseResult ParseText(string text, RosterFormat format = RosterFormat.Auto) =>
        ParseBytes(Encoding.UTF8.GetBytes(text), format);

    public static RosterParseResult ParseBytes(byte[] bytes, RosterFormat format = RosterFormat.Auto)
    {
        using var stream = new MemoryStream(bytes);
        return Parser.Parse(stream, format);
    }

    /// <summary>From the output folder when the project copies Samples/ there, otherwise from the source tree.</summary>
    public static string PathOf(string name, [CallerFilePath] string thisFile = "")
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Courses", "Roster", "Samples", name);
        return File.Exists(copied) ? copied : Path.Combine(Path.GetDirectoryName(thisFile)!, "Samples", name);
    }
}
