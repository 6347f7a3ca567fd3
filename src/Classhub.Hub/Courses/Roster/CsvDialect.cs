namespace Classhub.Hub.Courses.Roster;

/// <summary>The small text rules around the CSV library: separator choice, Excel's text wrapper, physical lines.</summary>
internal static class CsvDialect
{
    /// <summary>
    /// The separator among ',', ';' and tab that occurs most often outside quotes on the first non-blank line (the
    /// header); ',' when none does. Semicolons come from European Excel, tabs from Excel's "Unicode text".
    /// </summary>
    public static char DetectSeparator(string text)
    {
        int commas = 0, semicolons = 0, tabs = 0;
        var quoted = false;
        var seenContent = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                if (seenContent)
                {
                    break;
                }
            }
            else if (!quoted)
            {
                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
            }

            seenContent |= !char.IsWhiteSpace(c);
        }

        if (tabs > commas && tabs >= semicolons)
        {
            return '\t';
        }

        return semicolons > commas ? ';' : ',';
    }

    /// <summary>Excel writes <c>="00123"</c> to keep leading zeros; the value meant is <c>00123</c>.</summary>
    public static string UnwrapExcelText(string value) =>
        value.Length >= 3 && value.StartsWith("=\"", StringComparison.Ordinal) && value.EndsWith('"')
            ? value[2..^1].Replace("\"\"", "\"", StringComparison.Ordinal)
            : value;

    /// <summary>Line breaks in a raw record (CRLF, LF or a lone CR each count once), to track physical line numbers.</summary>
    public static int CountLineBreaks(ReadOnlySpan<char> raw)
    {
        var count = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }
}
