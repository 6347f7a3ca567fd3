using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Courses.RosterImport;

/// <summary>The format names used on the command line, in forms and in JSON.</summary>
internal static class RosterFormatNames
{
    public static readonly string[] All = ["auto", "canvas-gradebook", "canvas-sis", "moodle", "github-classroom", "generic"];

    public static string Name(RosterFormat format) => format switch
    {
        RosterFormat.CanvasGradebook => "canvas-gradebook",
        RosterFormat.CanvasSisUsers => "canvas-sis",
        RosterFormat.Moodle => "moodle",
        RosterFormat.GitHubClassroom => "github-classroom",
        RosterFormat.Generic => "generic",
        _ => "auto",
    };

    public static RosterFormat? Parse(string? name) => name switch
    {
        null or "" or "auto" => RosterFormat.Auto,
        "canvas-gradebook" => RosterFormat.CanvasGradebook,
        "canvas-sis" => RosterFormat.CanvasSisUsers,
        "moodle" => RosterFormat.Moodle,
        "github-classroom" => RosterFormat.GitHubClassroom,
        "generic" => RosterFormat.Generic,
        _ => null,
    };
}
