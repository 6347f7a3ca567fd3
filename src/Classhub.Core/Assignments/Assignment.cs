namespace Classhub.Core.Assignments;

/// <summary>An assignment of a course: its latest release, who receives it (a section or everyone) and its deadline.</summary>
/// <param name="LatestRelease">0 before the first push; releases are numbered 1, 2, ... and immutable.</param>
/// <param name="Readme">The release's README.md (Markdown source), shown on the course page.</param>
public sealed record Assignment(
    string CourseId,
    string Name,
    string? Section,
    DateTimeOffset? DueAt,
    bool RefuseLate,
    int LatestRelease,
    string? Readme,
    DateTimeOffset CreatedAt)
{
    public bool IsFor(string? section) => Section is null || string.Equals(Section, section, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where one student stands on one assignment.</summary>
/// <param name="Conflicts">Files the student had edited, each as "path → name written beside it".</param>
public sealed record StudentAssignmentStatus(
    string UserName,
    string? Section,
    int? Release,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<string> Conflicts,
    string? DeliveryError,
    DateTimeOffset? SubmittedAt,
    bool Late,
    int Submissions,
    DateTimeOffset? FeedbackReturnedAt);

/// <summary>One snapshot a student submitted; <see cref="Folder"/> is under the hub's data dir, readable by the hub only.</summary>
public sealed record Submission(long Id, string CourseId, string Name, string UserName, DateTimeOffset SubmittedAt, bool Late, int Files, long Bytes, string Folder);
