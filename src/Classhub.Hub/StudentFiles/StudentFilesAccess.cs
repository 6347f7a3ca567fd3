using Classhub.Core.Courses;
using Classhub.Hub.Auth;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Hub.StudentFiles;

/// <summary>What of a user's home a caller may look at in the viewer: all of it, or only some course folders.</summary>
/// <param name="WholeHome">Admins, and the user themself.</param>
/// <param name="Courses">Otherwise the folders <c>~/&lt;course&gt;/</c> of the courses the caller teaches and the user takes.</param>
internal sealed record ViewScope(bool WholeHome, IReadOnlyList<string> Courses)
{
    /// <summary>True when the path (folder names from the home) is inside what may be seen; the home itself always is (it lists only what may be seen).</summary>
    public bool Allows(IReadOnlyList<string> segments) => WholeHome || segments.Count == 0 || Courses.Contains(segments[0], StringComparer.Ordinal);
}

/// <summary>
/// Who may look at a user's files in the viewer (the one place this rule lives): admins and the user look at the whole
/// home; a course's active instructors and TAs look at <c>~/&lt;course&gt;/</c> of that course's students; nobody else.
/// </summary>
internal sealed class StudentFilesAccess(CourseStore courses, UserStore users)
{
    /// <summary>What <paramref name="caller"/> may see of <paramref name="owner"/>'s home, or null for nothing.</summary>
    public ViewScope? For(Caller caller, string owner)
    {
        if (caller.IsAdmin || caller.Name == owner)
        {
            return new ViewScope(true, []);
        }

        if (users.Find(owner) is not { } user)
        {
            return null;
        }

        var taught = courses.MembershipsOf(user.Id)
            .Where(m => m.Role == CourseRole.Student)
            .Select(m => m.Course.Id)
            .Where(course => courses.Member(course, caller.UserId) is { IsStaff: true, IsActive: true })
            .ToList();
        return taught.Count == 0 ? null : new ViewScope(false, taught);
    }
}
