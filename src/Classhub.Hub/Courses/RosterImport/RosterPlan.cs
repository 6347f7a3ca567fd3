using Classhub.Core.Courses;
using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Courses.RosterImport;

/// <summary>How an import is asked to behave.</summary>
/// <param name="DropMissing">Members absent from the file are dropped (otherwise only listed as missing).</param>
/// <param name="SkipInvalid">Apply the valid rows even when some rows have errors (the errors are still reported).</param>
internal sealed record RosterImportOptions(bool DropMissing = false, bool SkipInvalid = false);

/// <summary>
/// What an import does to a course's roster, computed by <see cref="RosterPlanner"/>. Lists of members are sorted by
/// user name. <see cref="Members"/> holds the final state of every added or updated member (what is written).
/// </summary>
internal sealed record RosterPlan(
    RosterFormat Format,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<RosterWarning> Warnings,
    IReadOnlyList<RosterError> Errors,
    IReadOnlyList<CourseMember> Members,
    bool CanApply)
{
    public bool HasChanges => Added.Count + Updated.Count + Dropped.Count > 0;
}
