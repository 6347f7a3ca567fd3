namespace Classhub.Hub.Courses.Roster;

/// <summary>
/// Reads a roster file exported from Canvas, Moodle, GitHub Classroom or a spreadsheet into validated entries. Pure:
/// no storage, no users created. Never throws on bad input — every problem becomes a <see cref="RosterError"/> that
/// names the line, the column and the fix, and all of them are reported at once.
/// <paramref name="accountCheck"/> says, for a user name, whether the Unix account of that name keeps the person from
/// getting a server (a message that blocks the row) or deserves a warning; null: nothing to say.
/// </summary>
internal sealed class RosterParser(Func<string, bool> isSystemAccount, Func<string, (string Message, bool Blocks)?>? accountCheck = null)
{
    /// <summary>The parser for this machine: system accounts are the passwd entries with uid below 1000.</summary>
    public static RosterParser ForPasswdFile(string passwdPath = SystemAccounts.PasswdPath, Func<string, (string Message, bool Blocks)?>? accountCheck = null) =>
        new(SystemAccounts.FromPasswdFile(passwdPath), accountCheck);

    public RosterParseResult Parse(Stream input, RosterFormat requested = RosterFormat.Auto)
    {
        var decoded = RosterTextDecoder.Decode(input);
        if (decoded.Text is not { } text)
        {
            return Failed(requested, new RosterError(0, null, decoded.Problem ?? "the file could not be read"));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Failed(requested, new RosterError(0, null, "the file is empty: export the roster again and import the CSV file it gives you"));
        }

        var csv = CsvRecords.Read(text, CsvDialect.DetectSeparator(text));
        if (csv.Records.Count == 0)
        {
            return Failed(requested, csv.Error ?? new RosterError(0, null, "the file has no header row and no rows"));
        }

        var headerRecord = csv.Records[0];
        var header = new RosterHeader(WithoutTrailingEmpty(headerRecord.Cells));
        if (RosterFormats.Detect(header, requested) is not { } columns)
        {
            return Failed(requested, UnknownHeader(headerRecord.Line, header, requested));
        }

        var rows = new RosterRowReader(columns, header.Cells.Count, isSystemAccount, accountCheck);
        foreach (var record in csv.Records.Skip(1))
        {
            rows.Read(record);
        }

        if (csv.Error is not null)
        {
            rows.Errors.Add(csv.Error);
        }
        else if (csv.Records.Count == 1)
        {
            rows.Errors.Add(new RosterError(0, null,
                $"the file has only a header ({RosterFormats.DisplayName(columns.Format)}) and no rows: export it again with the students in it"));
        }
        else if (rows.Entries.Count == 0 && rows.Errors.Count == 0)
        {
            rows.Errors.Add(new RosterError(0, null, "no row in the file is a person to enroll (see the warnings); nothing to import"));
        }

        return new RosterParseResult(columns.Format, rows.Entries, rows.Warnings, rows.Errors);
    }

    private static RosterParseResult Failed(RosterFormat format, RosterError error) => new(format, [], [], [error]);

    private static RosterError UnknownHeader(int line, RosterHeader header, RosterFormat requested)
    {
        var found = string.Join(", ", header.Cells.Select(c => $"'{c}'"));
        var what = requested == RosterFormat.Auto
            ? "matches no roster format I know. Expected one of — "
            : $"is not a {RosterFormats.DisplayName(requested)} header. Expected ";
        return new RosterError(line, null, $"the header {found} {what}{RosterFormats.ExpectedHeaders(requested)}");
    }

    private static string[] WithoutTrailingEmpty(string[] cells)
    {
        var length = cells.Length;
        while (length > 0 && cells[length - 1].Length == 0)
        {
            length--;
        }

        return cells[..length];
    }
}
