namespace Classhub.Hub.Courses.Roster;

/// <summary>
/// Recognises each supported export by its header and says which column feeds which field. The layouts follow the
/// real exports: Canvas Gradebook "Export entire gradebook", Canvas SIS Import users.csv, Moodle "Upload users",
/// GitHub Classroom "Download roster", and any spreadsheet with recognisable headers.
/// </summary>
internal static class RosterFormats
{
    /// <summary>Most specific first: a Moodle file would also pass as a generic spreadsheet.</summary>
    private static readonly RosterFormat[] DetectionOrder =
    [
        RosterFormat.CanvasGradebook,
        RosterFormat.CanvasSisUsers,
        RosterFormat.GitHubClassroom,
        RosterFormat.Moodle,
        RosterFormat.Generic,
    ];

    public static RosterColumns? Detect(RosterHeader header, RosterFormat requested)
    {
        if (requested != RosterFormat.Auto)
        {
            return Match(header, requested);
        }

        foreach (var format in DetectionOrder)
        {
            if (Match(header, format) is { } columns)
            {
                return columns;
            }
        }

        return null;
    }

    public static string DisplayName(RosterFormat format) => format switch
    {
        RosterFormat.CanvasGradebook => "Canvas gradebook export",
        RosterFormat.CanvasSisUsers => "Canvas SIS users.csv",
        RosterFormat.Moodle => "Moodle upload-users CSV",
        RosterFormat.GitHubClassroom => "GitHub Classroom roster",
        RosterFormat.Generic => "spreadsheet",
        _ => "automatically detected roster",
    };

    public static string ExpectedHeaders(RosterFormat format) => format switch
    {
        RosterFormat.CanvasGradebook => "Student (or LastName, FirstName), ID, SIS User ID, SIS Login ID, Section, then assignment columns",
        RosterFormat.CanvasSisUsers => "user_id, login_id, first_name, last_name (or full_name), email, status",
        RosterFormat.Moodle => "username, password, firstname, lastname, email, course1, group1 (exact lower-case names)",
        RosterFormat.GitHubClassroom => "identifier, github_username, github_id, name",
        RosterFormat.Generic => "a username, login or user column, or an email column; optionally name, full name or display name "
            + "(or first name + last name), section, role, status",
        _ => string.Join("; ", DetectionOrder.Select(f => $"{DisplayName(f)}: {ExpectedHeaders(f)}")),
    };

    private static RosterColumns? Match(RosterHeader h, RosterFormat format) => format switch
    {
        // Canvas writes "Student" (sortable "Last, First"), or "LastName", "FirstName" when that option is on.
        RosterFormat.CanvasGradebook when h.Has("ID", "SIS Login ID") && (h.Has("Student") || h.Has("LastName", "FirstName")) =>
            new RosterColumns(
                format, Username: h.Find("SIS Login ID"), Name: h.Find("Student"), FirstName: h.Find("FirstName"),
                LastName: h.Find("LastName"), Email: null, Section: h.Find("Section"), Role: null, Status: null, Key: h.Find("ID")),

        RosterFormat.CanvasSisUsers when h.Has("user_id", "login_id", "status") => new RosterColumns(
            format, Username: h.Find("login_id"), Name: h.Find("full_name"), FirstName: h.Find("first_name"),
            LastName: h.Find("last_name"), Email: h.Find("email"), Section: null, Role: null, Status: h.Find("status"),
            Key: h.Find("user_id")),

        RosterFormat.GitHubClassroom when h.Has("identifier", "github_username") => new RosterColumns(
            format, Username: h.Find("github_username"), Name: h.Find("name"), FirstName: null, LastName: null,
            Email: h.Find("identifier"), Section: null, Role: null, Status: null, Key: h.Find("identifier")),

        // Moodle matches its field names exactly; "group1"/"role1" belong to "course1", the course being imported.
        RosterFormat.Moodle when h.HasExactly("username", "firstname", "lastname") => new RosterColumns(
            format, Username: h.Find("username"), Name: null, FirstName: h.Find("firstname"), LastName: h.Find("lastname"),
            Email: h.Find("email"), Section: h.Find("group1", "section"), Role: h.Find("role1", "role"),
            Status: h.Find("suspended"), Key: null),

        RosterFormat.Generic when h.Find(UsernameHeaders) is not null || h.Find(EmailHeaders) is not null => new RosterColumns(
            format, Username: h.Find(UsernameHeaders) ?? h.Find(EmailHeaders), Name: h.Find("name", "full name", "display name"),
            FirstName: h.Find("first name", "given name"), LastName: h.Find("last name", "surname", "family name"),
            Email: h.Find(EmailHeaders), Section: h.Find("section"), Role: h.Find("role"), Status: h.Find("status"), Key: null),

        _ => null,
    };

    private static readonly string[] UsernameHeaders = ["username", "login", "user"];
    private static readonly string[] EmailHeaders = ["email", "email address", "mail"];
}
