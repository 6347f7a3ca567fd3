namespace Classhub.Hub.Courses.Roster;

/// <summary>A column of the file: where it is and its header as written (errors name the header the user sees).</summary>
internal sealed record RosterColumn(int Ordinal, string Header);

/// <summary>
/// Where each roster field is read from, for one detected format. <see cref="Key"/> is the row's own identity in the
/// source system (Canvas "ID", GitHub "identifier"), used for skip rules and messages.
/// </summary>
internal sealed record RosterColumns(
    RosterFormat Format,
    RosterColumn? Username,
    RosterColumn? Name,
    RosterColumn? FirstName,
    RosterColumn? LastName,
    RosterColumn? Email,
    RosterColumn? Section,
    RosterColumn? Role,
    RosterColumn? Status,
    RosterColumn? Key)
{
    public IEnumerable<RosterColumn> All =>
        new[] { Username, Name, FirstName, LastName, Email, Section, Role, Status, Key }.OfType<RosterColumn>();
}
