using System.IO.Compression;
using Classhub.Core.Assignments;
using Classhub.Hub.Assignments.Files;

namespace Classhub.Hub.Assignments;

/// <summary>
/// The staff's <c>submissions.zip</c>: <c>&lt;student&gt;/&lt;path&gt;</c> for every file of each latest submission. Entry
/// names are the stored names joined with '/', never rewritten (a '\' turned into '/' made a student's
/// <c>..\..\evil.bat</c> a zip-slip); a stored name that would be unsafe where staff unpack the zip (kept from before
/// names were checked at submit time) is left out, and listed in <c>SKIPPED.txt</c>.
/// </summary>
internal static class SubmissionArchive
{
    public const string SkippedEntry = "SKIPPED.txt";

    /// <summary>Writes the zip to <paramref name="output"/> (left open); returns the names left out.</summary>
    public static IReadOnlyList<string> Write(Stream output, IReadOnlyList<Submission> latest)
    {
        var skipped = new List<string>();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var submission in latest)
            {
                using var stored = SafeDirectory.OpenRoot(submission.Folder);
                Add(zip, stored, submission.UserName + "/", "", skipped);
            }

            if (skipped.Count > 0)
            {
                using var writer = new StreamWriter(zip.CreateEntry(SkippedEntry).Open());
                writer.Write("Left out of this zip: names that are unsafe to unpack.\n" + string.Concat(skipped.Select(s => s + "\n")));
            }
        }

        return skipped;
    }

    /// <summary>Adds the files of <paramref name="dir"/> as <c>student/relative/name</c>.</summary>
    private static void Add(ZipArchive zip, SafeDirectory dir, string student, string relative, List<string> skipped)
    {
        var undecodable = new List<string>();
        foreach (var (name, stat) in dir.Entries(int.MaxValue, undecodable))
        {
            var path = student + relative + name;
            if (RelativePath.Problem(relative + name) is { } problem)
            {
                skipped.Add($"{RelativePath.Printable(path)}: {problem}");
                continue;
            }

            if (stat.IsDirectory)
            {
                using var child = dir.OpenChild(name)!;
                Add(zip, child, student, relative + name + "/", skipped);
            }
            else if (stat.IsRegular && dir.OpenFile(name) is { } handle)
            {
                using (handle)
                using (var source = new FileStream(handle, FileAccess.Read, 1 << 16))
                using (var entry = zip.CreateEntry(path).Open())
                {
                    source.CopyTo(entry);
                }
            }
        }

        skipped.AddRange(undecodable.Select(n => $"{student}{relative}{n}: the name is not valid UTF-8"));
    }
}
