using Sylvan.Data.Csv;

namespace Classhub.Hub.Courses.Roster;

/// <summary>A non-blank record: the physical line it starts on, and its cells trimmed, with Excel's ="..." unwrapped.</summary>
internal sealed record CsvRecord(int Line, string[] Cells);

/// <summary>The records of a CSV text, or where and why reading stopped.</summary>
internal sealed record CsvRecords(IReadOnlyList<CsvRecord> Records, RosterError? Error)
{
    /// <summary>
    /// Reads every record with Sylvan (RFC 4180 quoting, embedded newlines, CRLF or LF). Line numbers come from the raw
    /// text of each record, so a quoted field spanning lines moves later records down. Records whose cells are all empty
    /// (blank lines, Excel's ",,,," rows) are left out. Uses only the DbDataReader field access, no data binder.
    /// </summary>
    public static CsvRecords Read(string text, char separator)
    {
        var options = new CsvDataReaderOptions
        {
            HasHeaders = false,
            Delimiter = separator,
            Comment = '\0',
            ResultSetMode = ResultSetMode.SingleResult,
            CsvStyle = CsvStyle.Standard,
        };

        var records = new List<CsvRecord>();
        var line = 1;
        try
        {
            using var reader = CsvDataReader.Create(new StringReader(text), options);
            while (reader.Read())
            {
                var start = line;
                line += CsvDialect.CountLineBreaks(reader.GetRawRecordSpan());
                var cells = new string[reader.RowFieldCount];
                var blank = true;
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = CsvDialect.UnwrapExcelText(reader.GetString(i).Trim());
                    blank &= cells[i].Length == 0;
                }

                if (!blank)
                {
                    records.Add(new CsvRecord(start, cells));
                }
            }
        }
        catch (CsvRecordTooLargeException)
        {
            return new CsvRecords(records, new RosterError(line, null,
                "this record is too long to be a roster row; is there a '\"' that opens a quoted field and is never closed?"));
        }
        catch (CsvFormatException)
        {
            return new CsvRecords(records, new RosterError(line, null,
                "the quoting is broken here: a quoted field must end with '\"' followed by the separator or the line end, "
                + "and a '\"' inside a quoted field must be doubled (\"\")"));
        }

        return new CsvRecords(records, null);
    }
}
