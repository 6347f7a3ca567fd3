using System.Text;

namespace Classhub.Hub.Courses.Roster;

/// <summary>The roster file as text, or why it is not a text file we can read.</summary>
internal sealed record RosterText(string? Text, string? Problem);

/// <summary>
/// Turns the uploaded bytes into text: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text").
/// Anything else (legacy code pages, binary files) is refused with the fix, rather than guessed at.
/// </summary>
internal static class RosterTextDecoder
{
    /// <summary>Far above any class roster (10,000 rows are about 1 MB); stops a mistaken upload from eating memory.</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    private const string SaveAs = "save the roster as \"CSV UTF-8\" (or Excel's \"Unicode text\") and import that file";

    public static RosterText Decode(Stream input)
    {
        var bytes = ReadAtMost(input, MaxBytes + 1);
        if (bytes.Length > MaxBytes)
        {
            return new RosterText(null, $"the file is larger than {MaxBytes / (1024 * 1024)} MB; a roster is far smaller — is this the right file?");
        }

        var (encoding, bomLength) = Detect(bytes);
        string text;
        try
        {
            text = encoding.GetString(bytes, bomLength, bytes.Length - bomLength);
        }
        catch (DecoderFallbackException)
        {
            return new RosterText(null, $"the file is not UTF-8 text (or it is not text at all); {SaveAs}");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        if (ContainsBinary(text))
        {
            return new RosterText(null, $"the file contains binary data, so it is not a CSV roster; {SaveAs}");
        }

        return new RosterText(text, null);
    }

    /// <summary>Control characters other than tab, CR and LF never occur in a spreadsheet export.</summary>
    private static bool ContainsBinary(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c is not '\t' and not '\n' and not '\r')
            {
                return true;
            }
        }

        return false;
    }

    private static (Encoding Encoding, int BomLength) Detect(byte[] bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false, true), 3),
        [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2),
        [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2),
        _ => (new UTF8Encoding(false, true), 0),
    };

    private static byte[] ReadAtMost(Stream input, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = input.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
