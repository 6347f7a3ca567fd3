using Classhub.Core.Users;

namespace Classhub.Hub.Courses.Roster;

/// <summary>Turns data records into entries for one detected format, collecting every warning and error.</summary>
internal sealed class RosterRowReader(RosterColumns columns, int headerWidth, Func<string, bool> isSystemAccount, Func<string, (string Message, bool Blocks)?>? accountCheck = null)
{
    private readonly Dictionary<string, int> _lineByUsername = new(StringComparer.Ordinal);

    public List<RosterEntry> Entries { get; } = [];

    public List<RosterWarning> Warnings { get; } = [];

    public List<RosterError> Errors { get; } = [];

    public void Read(CsvRecord record)
    {
        var missing = columns.All.Where(c => c.Ordinal >= record.Cells.Length).Select(c => c.Header).Distinct().ToList();
        if (missing.Count > 0)
        {
            Errors.Add(new RosterError(record.Line, null,
                $"this row has {record.Cells.Length} columns, so {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing; "
                + "check for a lost separator, or a value containing the separator that is not in quotes"));
            return;
        }

        if (IsNotAPerson(record))
        {
            return;
        }

        if (record.Cells.Skip(headerWidth).Any(cell => cell.Length > 0))
        {
            Warnings.Add(new RosterWarning(record.Line,
                $"this row has values beyond the header's {headerWidth} columns, which were ignored; if a value contains the separator, put it in quotes"));
        }

        var errorsBefore = Errors.Count;
        var username = ReadUsername(record);
        var email = ReadEmail(record);
        var (role, roleProblem) = RosterValues.ParseRole(Cell(record, columns.Role), columns.Format);
        AddIfProblem(record, columns.Role, roleProblem);
        var (status, statusProblem) = RosterValues.ParseStatus(Cell(record, columns.Status), columns.Format);
        AddIfProblem(record, columns.Status, statusProblem);

        if (Errors.Count > errorsBefore || username is null || role is null || status is null)
        {
            return;
        }

        if (_lineByUsername.TryGetValue(username, out var firstLine))
        {
            Errors.Add(new RosterError(record.Line, columns.Username!.Header,
                $"lines {firstLine} and {record.Line} both give the user name '{username}'; a person may appear only once — "
                + "remove the duplicate row or correct one of the two"));
            return;
        }

        _lineByUsername.Add(username, record.Line);
        Entries.Add(new RosterEntry(record.Line, username, ReadName(record), email, role.Value,
            RosterValues.Optional(Cell(record, columns.Section)), status.Value));
    }

    /// <summary>
    /// Rows that exports add but that are not people. Canvas's gradebook export (gradebook_exporter.rb) writes an
    /// optional "Manual Posting" row with no student and no ID, then "    Points Possible", and puts the Test Student
    /// (the student-view account) last; GitHub Classroom lists roster identifiers no GitHub account has claimed yet.
    /// </summary>
    private bool IsNotAPerson(CsvRecord record)
    {
        var key = Cell(record, columns.Key);
        switch (columns.Format)
        {
            case RosterFormat.CanvasGradebook when key.Length == 0 && ReadName(record) is (null or "Points Possible"):
                return true;
            case RosterFormat.CanvasGradebook when ReadName(record) is "Student, Test" or "Test Student":
                Warnings.Add(new RosterWarning(record.Line, "Canvas's Test Student (the student view account) is not a real student; skipped"));
                return true;
            case RosterFormat.GitHubClassroom when Cell(record, columns.Username).Length == 0:
                Warnings.Add(new RosterWarning(record.Line,
                    $"'{key}' has not linked a GitHub account in the classroom yet; skipped — import again once they have accepted an assignment"));
                return true;
            default:
                return false;
        }
    }

    private string? ReadUsername(CsvRecord record)
    {
        var column = columns.Username!;
        var raw = Cell(record, column);
        if (raw.Length == 0)
        {
            Errors.Add(new RosterError(record.Line, column.Header, $"is empty; every person needs a user name — fill in {column.Header} or remove the row"));
            return null;
        }

        var username = UserName.Normalize(raw);
        var problem = UserName.Problem(username);
        if (problem is null && isSystemAccount(username))
        {
            problem = $"'{username}' is a system account on this server (uid below {SystemAccounts.FirstRegularUid}); choose another user name";
        }

        if (problem is null && accountCheck?.Invoke(username) is { } account)
        {
            if (account.Blocks)
            {
                problem = account.Message;
            }
            else
            {
                Warnings.Add(new RosterWarning(record.Line, account.Message));
            }
        }

        AddIfProblem(record, column, problem is null || raw == username ? problem : $"{problem} (read from '{raw}')");
        return problem is null ? username : null;
    }

    /// <summary>GitHub's identifier is whatever the teacher typed (a student number or an address): only an address is kept.</summary>
    private string? ReadEmail(CsvRecord record)
    {
        var email = Cell(record, columns.Email);
        if (email.Length == 0 || (columns.Format == RosterFormat.GitHubClassroom && !email.Contains('@', StringComparison.Ordinal)))
        {
            return null;
        }

        var problem = RosterValues.EmailProblem(email);
        AddIfProblem(record, columns.Email, problem);
        return problem is null ? email : null;
    }

    private string? ReadName(CsvRecord record)
    {
        var name = Cell(record, columns.Name);
        if (name.Length == 0)
        {
            name = $"{Cell(record, columns.FirstName)} {Cell(record, columns.LastName)}";
        }

        return RosterValues.CleanName(name);
    }

    private void AddIfProblem(CsvRecord record, RosterColumn? column, string? problem)
    {
        if (problem is not null)
        {
            Errors.Add(new RosterError(record.Line, column?.Header, problem));
        }
    }

    private static string Cell(CsvRecord record, RosterColumn? column) =>
        column is null || column.Ordinal >= record.Cells.Length ? string.Empty : record.Cells[column.Ordinal];
}
