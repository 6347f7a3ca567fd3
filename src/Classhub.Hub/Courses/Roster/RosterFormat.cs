namespace Classhub.Hub.Courses.Roster;

/// <summary>The roster layouts classhub reads; <see cref="Auto"/> picks one from the header row.</summary>
internal enum RosterFormat
{
    Auto,
    CanvasGradebook,
    CanvasSisUsers,
    Moodle,
    GitHubClassroom,
    Generic,
}
