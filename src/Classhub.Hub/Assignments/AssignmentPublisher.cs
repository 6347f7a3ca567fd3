using Classhub.Core.Assignments;
using Classhub.Core.Courses;
using Classhub.Core.Results;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;

namespace Classhub.Hub.Assignments;

/// <summary>What a push asks for: the source (a folder or a .zip file) and the assignment's settings.</summary>
/// <param name="SourceName">The name to show in messages when <paramref name="Source"/> is a temporary copy (an upload's file name); default: the source's own name.</param>
internal sealed record PushRequest(string CourseId, string Name, string Source, bool IsZip, string? Section, DateTimeOffset? DueAt, bool? RefuseLate, string PushedBy, string? SourceName = null);

/// <summary>A new immutable release, and what was skipped while reading the push.</summary>
internal sealed record PublishedRelease(Assignment Assignment, int Release, IReadOnlyList<ReleaseFile> Files, IReadOnlyList<string> Warnings, long Bytes);

/// <summary>
/// Turns a push into release N: the files are staged under the data dir first (a refused push leaves nothing: no
/// staging, no assignment folder), then moved to <c>releases/N</c> inside the transaction that records the release,
/// so a release is complete or absent.
/// </summary>
internal sealed class AssignmentPublisher(AssignmentStore assignments, CourseStore courses, AssignmentOptions options)
{
    public Result<PublishedRelease> Publish(PushRequest request)
    {
        var doing = $"pushing {request.Name} to {request.CourseId}";
        if (courses.Find(request.CourseId) is null)
        {
            return Failure.Of("no-course", $"{doing}: there is no course '{request.CourseId}'");
        }

        if (AssignmentName.Problem(request.Name) is { } problem)
        {
            return Failure.Of("invalid-name", $"{doing}: {problem}");
        }

        if (request.Section is { } section && !courses.Members(request.CourseId).Any(m => string.Equals(m.Section, section, StringComparison.OrdinalIgnoreCase)))
        {
            return Failure.Of("no-section", $"{doing}: no member of {request.CourseId} is in section '{section}'; check the roster's section names");
        }

        var staging = AssignmentOptions.Private(Path.Combine(options.StagingFolder, Guid.NewGuid().ToString("N")));
        try
        {
            var staged = request.IsZip
                ? PushReader.FromZip(request.Source, staging, options.MaxPushBytes, request.SourceName)
                : PushReader.FromFolder(request.Source, staging, options.MaxPushBytes, request.SourceName);
            if (!staged.Ok)
            {
                return staged.Failure;
            }

            var push = staged.Value;
            var release = assignments.AddRelease(request.CourseId, request.Name, request.Section, request.DueAt, request.RefuseLate, push.Readme, request.PushedBy, push.Files.Count, push.Bytes, n =>
            {
                ReleaseManifest.Write(push.Folder, push.Files);
                var target = options.ReleaseFolder(request.CourseId, request.Name, n);
                AssignmentOptions.Private(Path.GetDirectoryName(target)!);
                if (Directory.Exists(target))
                {
                    // Left by a release whose transaction did not commit; it was never recorded, so it is not a release.
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(push.Folder, target);
            });
            return Result<PublishedRelease>.Success(new PublishedRelease(assignments.Find(request.CourseId, request.Name)!, release, push.Files, push.Warnings, push.Bytes));
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
