using System.Text.RegularExpressions;

namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// What a killed or stopped process leaves in the data dir, removed by the hub as it starts (before it serves or takes
/// any work; only one hub serves a data dir, so nothing of its own is in progress yet):
/// <list type="bullet">
/// <item>staging of pushes and course-page uploads (<c>staging/</c>): every entry of a previous hub, and those of CLI
/// commands that are gone (<see cref="StagingArea"/>); the files of dead claims (<see cref="ProcessClaim"/>);</item>
/// <item>the temporary zips of submission downloads (<c>downloads/</c>; deleted on close while the hub runs);</item>
/// <item>half-taken submissions (<c>submissions/&lt;course&gt;/&lt;assignment&gt;/&lt;student&gt;/.staging-*</c>);</item>
/// <item>what earlier versions left: course-page push uploads in <c>uploads/</c> (roster previews there are not
/// touched: they wait for their confirmation, and expire on their own) and <c>staging-*</c> folders inside
/// <c>assignments/&lt;course&gt;/&lt;assignment&gt;/</c>.</item>
/// </list>
/// Temporary files in students' homes (<c>.classhub-*.tmp</c>) are not looked for here: the next delivery or return
/// that walks that folder removes them (<see cref="SafeDirectory.RemoveStaleTemporaries"/>), and a crash mid-delivery
/// leaves the delivery pending, so that walk comes as soon as the hub is back.
/// </summary>
internal static partial class Leftovers
{
    /// <summary>Removes them; returns how many files and folders were removed.</summary>
    public static int RemoveAtStartUp(AssignmentOptions options, StagingArea staging)
    {
        var removed = staging.RemoveAbandoned(hubStarting: true) + ProcessClaim.RemoveDead(options.DataDir);
        removed += RemoveAll(Path.Combine(options.DataDir, "downloads"), _ => true);
        removed += RemoveAll(Path.Combine(options.DataDir, "uploads"), name => OldPushUpload().IsMatch(name));
        foreach (var student in Folders(Path.Combine(options.DataDir, "submissions"), depth: 3))
        {
            removed += RemoveAll(student, name => name.StartsWith(".staging-", StringComparison.Ordinal));
        }

        foreach (var assignment in Folders(Path.Combine(options.DataDir, "assignments"), depth: 2))
        {
            removed += RemoveAll(assignment, name => name.StartsWith("staging-", StringComparison.Ordinal));
        }

        return removed;
    }

    /// <summary>The folders <paramref name="depth"/> levels below <paramref name="root"/> (none when it does not exist).</summary>
    private static IEnumerable<string> Folders(string root, int depth)
    {
        IEnumerable<string> level = Directory.Exists(root) ? [root] : [];
        for (var i = 0; i < depth; i++)
        {
            level = level.SelectMany(Directory.EnumerateDirectories).ToList();
        }

        return level;
    }

    private static int RemoveAll(string folder, Func<string, bool> matches)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Where(e => matches(Path.GetFileName(e))).ToList())
        {
            if (Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }

            removed++;
        }

        return removed;
    }

    [GeneratedRegex("^[0-9a-f]{32}(\\.zip)?$", RegexOptions.CultureInvariant)]
    private static partial Regex OldPushUpload();
}
