using System.Text.Json.Serialization;
using Classhub.Core.Assignments;

namespace Classhub.Hub.Assignments;

/// <summary>A submission on the wire.</summary>
internal sealed record SubmissionModel(long Id, string Course, string Assignment, string User, DateTimeOffset SubmittedAt, bool Late, int Files, long Bytes)
{
    public static SubmissionModel From(Submission s) => new(s.Id, s.CourseId, s.Name, s.UserName, s.SubmittedAt, s.Late, s.Files, s.Bytes);
}

/// <summary>One student's row of <c>assignment status</c>.</summary>
internal sealed record StudentStatusModel(
    string User,
    string? Section,
    int? Release,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<string> Conflicts,
    string? DeliveryError,
    DateTimeOffset? SubmittedAt,
    bool Late,
    int Submissions,
    DateTimeOffset? FeedbackReturnedAt)
{
    public static StudentStatusModel From(StudentAssignmentStatus s) =>
        new(s.UserName, s.Section, s.Release, s.DeliveredAt, s.Conflicts, s.DeliveryError, s.SubmittedAt, s.Late, s.Submissions, s.FeedbackReturnedAt);
}

/// <summary>The outcome of a push: the release, what was skipped, and each student's delivery.</summary>
internal sealed record PushModel(string Course, string Assignment, int Release, int Files, long Bytes, IReadOnlyList<string> Warnings, IReadOnlyList<DeliveryModel> Deliveries);

internal sealed record DeliveryModel(string User, int Release, int Written, int Unchanged, IReadOnlyList<string> Conflicts, string? Error)
{
    public static DeliveryModel From(DeliveryOutcome o) => new(o.UserName, o.Release, o.Written, o.Unchanged, o.Conflicts, o.Error);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(SubmissionModel))]
[JsonSerializable(typeof(List<StudentStatusModel>))]
[JsonSerializable(typeof(PushModel))]
internal sealed partial class AssignmentJsonContext : JsonSerializerContext;
