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
/// staging, no assignment folder), then moved to <c>releases/N</c> inside the transaction that records the release
/// and the work of delivering it (owned by this process's <see cref="ProcessClaim"/>), so a release is complete and
/// queued for its students, or absent. A full disk (or any other failed write) is a failure value naming the folder
/// and what to do, with nothing staged and nothing recorded; staging a killed process left is removed first.
/// </summary>
internal sealed class AssignmentPublisher(AssignmentStore assignments, CourseStore courses, AssignmentOptions options, StagingArea stagingArea, ProcessClaim claim)
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

        string? staging = null;
        string? moved = null;
        var recorded = false;
        try
        {
            stagingArea.RemoveAbandoned(hubStarting: false);
            staging = stagingArea.NewFolder();
            var staged = request.IsZip
                ? PushReader.FromZip(request.Source, staging, options.MaxPushBytes, request.SourceName)
                : PushReader.FromFolder(request.Source, staging, options.MaxPushBytes, request.SourceName);
            if (!staged.Ok)
            {
                return staged.Failure;
            }

            var push = staged.Value;
            var release = assignments.AddRelease(
                request.CourseId,
                request.Name,
                request.Section,
                request.DueAt,
                request.RefuseLate,
                push.Readme,
                request.PushedBy,
                push.Files.Count,
                push.Bytes,
                n =>
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
                    moved = target;
                },
                claim.Token);
            recorded = true;
            return Result<PublishedRelease>.Success(new PublishedRelease(assignments.Find(request.CourseId, request.Name)!, release, push.Files, push.Warnings, push.Bytes));
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return Failure.Of("disk-full", DiskFull.Message(doing, options.DataDir, "nothing was pushed", "push again"));
        }
        catch (IOException e)
        {
            return Failure.Of("push-failed", $"{doing}: {e.Message}; nothing was pushed");
        }
        finally
        {
            if (staging is not null && Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (!recorded && moved is not null && Directory.Exists(moved))
            {
                // Moved into place, but the transaction did not commit (the database's disk filled up): not a release.
                Directory.Delete(moved, recursive: true);
            }
        }
    }
}
