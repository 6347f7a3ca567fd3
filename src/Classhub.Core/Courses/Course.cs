namespace Classhub.Core.Courses;

/// <summary>A course: its id is a folder name (it appears as <c>~/&lt;id&gt;/</c>), see <see cref="CourseId"/>.</summary>
public sealed record Course(string Id, string Title, string? Term, DateTimeOffset CreatedAt);

/// <summary>One person in one course. <paramref name="Name"/>, <paramref name="Email"/> and <paramref name="Section"/> are as the roster gave them.</summary>
public sealed record CourseMember(
    string CourseId,
    string UserName,
    CourseRole Role,
    string? Name,
    string? Email,
    string? Section,
    MemberStatus Status)
{
    public bool IsStaff => Role is CourseRole.Ta or CourseRole.Instructor;

    public bool IsActive => Status == MemberStatus.Active;
}

/// <summary>A course seen from one member: the course with their role and status in it.</summary>
public sealed record CourseMembership(Course Course, CourseRole Role, MemberStatus Status);
