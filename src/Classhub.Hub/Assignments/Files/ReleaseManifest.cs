using System.Globalization;

namespace Classhub.Hub.Assignments.Files;

/// <summary><c>manifest.tsv</c> of a release: one line per file, "sha256 TAB size TAB path".</summary>
internal static class ReleaseManifest
{
    public const string FileName = "manifest.tsv";

    public static void Write(string releaseFolder, IReadOnlyList<ReleaseFile> files) =>
        File.WriteAllLines(Path.Combine(releaseFolder, FileName), files.Select(f => $"{f.Sha256}\t{f.Size.ToString(CultureInfo.InvariantCulture)}\t{f.Path}"));

    public static IReadOnlyList<ReleaseFile> Read(string releaseFolder) =>
        File.ReadAllLines(Path.Combine(releaseFolder, FileName))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t', 3))
            .Select(p => new ReleaseFile(p[2], long.Parse(p[1], CultureInfo.InvariantCulture), p[0]))
            .ToList();
}
