using System.Text;

namespace Classhub.Hub.Courses.Roster;

/// <summary>Field rules shared by every format. Each parser returns the value, or null plus the problem with its fix.</summary>
internal static class RosterValues
{
    public static string RoleName(RosterRole role) => role switch
    {
        RosterRole.Ta => "ta",
        RosterRole.Instructor => "instructor",
        _ => "student",
    };

    /// <summary>Empty means student. Moodle's role short names are accepted in a Moodle file.</summary>
    public static (RosterRole? Role, string? Problem) ParseRole(string value, RosterFormat format) =>
        value.ToLowerInvariant() switch
        {
            "" or "student" => (RosterRole.Student, null),
            "ta" => (RosterRole.Ta, null),
            "instructor" => (RosterRole.Instructor, null),
            "teacher" when format == RosterFormat.Moodle => (RosterRole.Ta, null),
            "editingteacher" when format == RosterFormat.Moodle => (RosterRole.Instructor, null),
            _ => (null, $"'{value}' is not a role: use student, ta or instructor (empty means student)"
                + (format == RosterFormat.Moodle ? "; Moodle's student, teacher and editingteacher are also understood" : string.Empty)),
        };

    public static (RosterStatus? Status, string? Problem) ParseStatus(string value, RosterFormat format) =>
        (format, value.ToLowerInvariant()) switch
        {
            (RosterFormat.Moodle, "" or "0") => (RosterStatus.Active, null),
            (RosterFormat.Moodle, "1") => (RosterStatus.Dropped, null),
            (RosterFormat.Moodle, _) => (null, $"'{value}' is not a Moodle suspended flag: use 0 or 1"),
            (RosterFormat.CanvasSisUsers, "active") => (RosterStatus.Active, null),
            (RosterFormat.CanvasSisUsers, "deleted" or "suspended") => (RosterStatus.Dropped, null),
            (RosterFormat.CanvasSisUsers, _) => (null, $"'{value}' is not a Canvas user status: use active, deleted or suspended"),
            (_, "" or "active") => (RosterStatus.Active, null),
            (_, "dropped" or "deleted" or "inactive") => (RosterStatus.Dropped, null),
            _ => (null, $"'{value}' is not a status: use active or dropped (empty means active)"),
        };

    /// <summary>A light check: one '@' with text on both sides and no spaces. Delivery is the mail server's business.</summary>
    public static string? EmailProblem(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var ok = at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace);
        return ok ? null : $"'{email}' is not an e-mail address (expected name@example.org)";
    }

    /// <summary>
    /// A display name: Unicode kept and composed (NFC), runs of white space and line breaks folded to one space (a name
    /// is one line), otherwise as given — a leading '=' is data, neutralised only when written to CSV.
    /// </summary>
    public static string? CleanName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var folded = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                folded.Append(' ');
                pendingSpace = false;
            }

            folded.Append(c);
        }

        return UnicodeNfc.Normalize(folded.ToString());
    }

    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
