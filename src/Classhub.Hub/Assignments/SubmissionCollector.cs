using Classhub.Core.Assignments;

namespace Classhub.Hub.Assignments;

/// <summary>Copies a stored submission (hub-owned storage, no links in it) out for staff.</summary>
internal static class SubmissionCollector
{
    public static void CopyTo(Submission submission, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(submission.Folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(submission.Folder, file);
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
