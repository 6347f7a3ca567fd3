using System.Buffers;
using System.Text;

namespace Classhub.Hub.Courses.Roster;

/// <summary>
/// Writes CSV for every file classhub hands out (roster exports, grade sheets). Cells that a spreadsheet would run as a
/// formula (starting with =, +, -, @, tab or CR) get a leading apostrophe, so stored data such as a name "=HYPERLINK(..)"
/// is shown, never executed. Output is RFC 4180: comma-separated, CRLF line ends, quotes doubled inside quoted cells.
/// </summary>
internal static class CsvExport
{
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(",\"\r\n");

    public static string Neutralize(string value) =>
        value.Length > 0 && FormulaStarts.Contains(value[0]) ? "'" + value : value;

    /// <summary>One cell, neutralised and quoted when needed; null is an empty cell.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var safe = Neutralize(value);
        var quote = safe.AsSpan().ContainsAny(NeedsQuoting) || safe[0] == ' ' || safe[^1] == ' ';
        return quote ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    public static void WriteRow(TextWriter writer, IEnumerable<string?> cells)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                line.Append(',');
            }

            line.Append(Cell(cell));
            first = false;
        }

        writer.Write(line.ToString());
        writer.Write("\r\n");
    }

    /// <summary>The roster in the generic layout that <see cref="RosterParser"/> reads back.</summary>
    public static void WriteRoster(TextWriter writer, IEnumerable<RosterEntry> entries)
    {
        WriteRow(writer, ["username", "name", "email", "role", "section", "status"]);
        foreach (var entry in entries)
        {
            WriteRow(writer, [
                entry.Username,
                entry.Name,
                entry.Email,
                RosterValues.RoleName(entry.Role),
                entry.Section,
                entry.Status == RosterStatus.Active ? "active" : "dropped",
            ]);
        }
    }
}
