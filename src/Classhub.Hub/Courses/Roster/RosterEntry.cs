namespace Classhub.Hub.Courses.Roster;

internal enum RosterRole
{
    Student,
    Ta,
    Instructor,
}

internal enum RosterStatus
{
    Active,
    Dropped,
}

/// <summary>
/// One person from a roster file, validated: <paramref name="Username"/> passes <c>UserName.Problem</c> and is not a
/// system account; <paramref name="Name"/> is NFC, single-line and stored as given (no formula neutralising here —
/// that is <see cref="CsvExport"/>'s job on the way out). <paramref name="Line"/> is the physical line the record starts on.
/// </summary>
internal sealed record RosterEntry(
    int Line,
    string Username,
    string? Name,
    string? Email,
    RosterRole Role,
    string? Section,
    RosterStatus Status);
