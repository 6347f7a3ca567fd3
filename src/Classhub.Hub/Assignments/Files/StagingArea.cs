using System.Text.RegularExpressions;

namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// <c>&lt;data&gt;/staging/</c>: where a push is read into (and a course-page upload kept) before it becomes a release.
/// Each entry is named after the claim of the process that made it (<c>&lt;token&gt;-&lt;random&gt;</c>, see
/// <see cref="ProcessClaim"/>), so what a process left when it died (a CLI killed mid-push, a hub killed mid-upload)
/// is told from work in progress and removed: by the hub as it starts (everything a previous hub left) and on its
/// rounds (what dead CLI commands left), and before each push.
/// </summary>
internal sealed partial class StagingArea(AssignmentOptions options, ProcessClaim claim)
{
    public string Root => options.StagingFolder;

    /// <summary>A new private (0700) folder for this process's work, under <see cref="Root"/>; the caller removes it.</summary>
    public string NewFolder() => AssignmentOptions.Private(Path.Combine(Root, $"{claim.Token}-{Guid.NewGuid():N}"));

    /// <summary>
    /// Removes the entries whose process is gone: those of dead CLI claims, and, when <paramref name="hubStarting"/>
    /// (the hub, before it takes any work), those of the previous hub and any of a form no version makes now.
    /// Returns how many were removed.
    /// </summary>
    public int RemoveAbandoned(bool hubStarting)
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            var match = EntryName().Match(Path.GetFileName(entry));
            var abandoned = match.Success
                ? (match.Groups[1].Value == ProcessClaim.HubToken ? hubStarting : !ProcessClaim.IsAlive(options.DataDir, match.Groups[1].Value))
                : hubStarting;
            if (abandoned && Remove(entry))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool Remove(string entry)
    {
        try
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }

            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    [GeneratedRegex("^([0-9a-f]{32}|hub)-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryName();
}
