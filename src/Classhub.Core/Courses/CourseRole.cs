namespace Classhub.Core.Courses;

/// <summary>What a person does in a course. Staff (TA, instructor) see the roster and manage the course.</summary>
public enum CourseRole
{
    Student,
    Ta,
    Instructor,
}

/// <summary>A member is active, or dropped: a dropped member keeps their files but loses access through this course.</summary>
public enum MemberStatus
{
    Active,
    Dropped,
}
