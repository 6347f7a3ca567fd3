namespace Classhub.Storage.Assignments;

/// <summary>A row of <c>assignments</c>.</summary>
internal sealed class AssignmentRow
{
    public string CourseId { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Section { get; set; }

    public long? DueAt { get; set; }

    public long RefuseLate { get; set; }

    public long LatestRelease { get; set; }

    public string? Readme { get; set; }

    public long CreatedAt { get; set; }
}

/// <summary>A student member joined with their delivery, latest submission and feedback for one assignment.</summary>
internal sealed class StudentStatusRow
{
    public string UserName { get; set; } = "";

    public string? Section { get; set; }

    public long? Release { get; set; }

    public long? DeliveredAt { get; set; }

    public string? Conflicts { get; set; }

    public string? Error { get; set; }

    public long? SubmittedAt { get; set; }

    public long? Late { get; set; }

    public long Submissions { get; set; }

    public long? ReturnedAt { get; set; }
}

/// <summary>A row of <c>assignment_submissions</c> joined with the user's name.</summary>
internal sealed class SubmissionRow
{
    public long Id { get; set; }

    public string CourseId { get; set; } = "";

    public string Name { get; set; } = "";

    public string UserName { get; set; } = "";

    public long SubmittedAt { get; set; }

    public long Late { get; set; }

    public long Files { get; set; }

    public long Bytes { get; set; }

    public string Folder { get; set; } = "";
}

/// <summary>A delivered file's path and hash.</summary>
internal sealed class DeliveredFileRow
{
    public string Path { get; set; } = "";

    public string Sha256 { get; set; } = "";
}

/// <summary>A grade: user, assignment, score.</summary>
internal sealed class GradeRow
{
    public string UserName { get; set; } = "";

    public string Name { get; set; } = "";

    public string Score { get; set; } = "";
}

/// <summary>A pending row of <c>assignment_delivery_tasks</c> joined with the user's name.</summary>
internal sealed class DeliveryTaskRow
{
    public string CourseId { get; set; } = "";

    public string Name { get; set; } = "";

    public long Release { get; set; }

    public long UserId { get; set; }

    public string UserName { get; set; } = "";
}

/// <summary>A row of <c>assignment_delivery_tasks</c> as the progress of a release counts it.</summary>
internal sealed class DeliveryProgressRow
{
    public long Release { get; set; }

    public string State { get; set; } = "";

    public string? Error { get; set; }

    public string UserName { get; set; } = "";
}

/// <summary>An active student's user id and section.</summary>
internal sealed class StudentSectionRow
{
    public long UserId { get; set; }

    public string? Section { get; set; }
}
