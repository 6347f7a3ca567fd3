using System.Text.RegularExpressions;

namespace Classhub.Core.Courses;

/// <summary>
/// The one rule for course ids: they become folder names under every student's home, so
/// <c>^[a-z0-9][a-z0-9_.-]{0,63}$</c> (no '.', '..', leading '-' or '.', no '/').
/// </summary>
public static partial class CourseId
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Null when <paramref name="id"/> is acceptable, otherwise what is wrong and how to fix it.</summary>
    public static string? Problem(string id) =>
        id.Length == 0 ? "the course id is empty"
        : Pattern().IsMatch(id) ? null
        : $"'{id}' is not a valid course id: use 1-64 characters a-z, 0-9, '_', '.', '-', starting with a letter or digit (it becomes a folder name)";

    /// <summary>Role names as written on the command line, in files and on the wire.</summary>
    public static string RoleName(CourseRole role) => role switch
    {
        CourseRole.Ta => "ta",
        CourseRole.Instructor => "instructor",
        _ => "student",
    };

    public static CourseRole? ParseRole(string value) => value switch
    {
        "student" => CourseRole.Student,
        "ta" => CourseRole.Ta,
        "instructor" => CourseRole.Instructor,
        _ => null,
    };

    public static string StatusName(MemberStatus status) => status == MemberStatus.Dropped ? "dropped" : "active";
}
