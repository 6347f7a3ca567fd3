namespace Classhub.Hub.Courses.Roster;

/// <summary>A row that was skipped or read with a caveat; the import may still go ahead.</summary>
internal sealed record RosterWarning(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>
/// A problem that must be fixed in the file before anything is applied. <paramref name="Line"/> is the 1-based
/// physical line (0 = the file as a whole); <paramref name="Field"/> is the column header as written in the file,
/// null when the problem is not about one column.
/// </summary>
internal sealed record RosterError(int Line, string? Field, string Message)
{
    public override string ToString() => (Line, Field) switch
    {
        (0, null) => Message,
        (0, _) => $"{Field}: {Message}",
        (_, null) => $"line {Line}: {Message}",
        _ => $"line {Line}, {Field}: {Message}",
    };
}

/// <summary>
/// The outcome of reading a roster file. Contract for the apply step: apply only when <see cref="Succeeded"/>;
/// otherwise show every error (all are collected, not just the first) and change nothing. <see cref="Entries"/>
/// holds the rows that were valid on their own, for previews.
/// </summary>
internal sealed record RosterParseResult(
    RosterFormat Format,
    IReadOnlyList<RosterEntry> Entries,
    IReadOnlyList<RosterWarning> Warnings,
    IReadOnlyList<RosterError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
