namespace Classhub.Storage.Courses;

/// <summary>A row of <c>courses</c>; mapped to <see cref="Core.Courses.Course"/> at the boundary.</summary>
internal sealed class CourseRow
{
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Term { get; set; }

    public long CreatedAt { get; set; }
}

/// <summary>A row of <c>course_members</c> joined with the user's name.</summary>
internal sealed class CourseMemberRow
{
    public string CourseId { get; set; } = "";

    public long UserId { get; set; }

    public string UserName { get; set; } = "";

    public string Role { get; set; } = "";

    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Section { get; set; }

    public string Status { get; set; } = "";
}

/// <summary>A course joined with one member's role and status in it.</summary>
internal sealed class CourseMembershipRow
{
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Term { get; set; }

    public long CreatedAt { get; set; }

    public string Role { get; set; } = "";

    public string Status { get; set; } = "";
}
