namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// The rule for file paths inside an assignment (from a pushed folder, a zip, or a student's folder): '/'-separated
/// segments, none empty, '.', '..', or containing '\', NUL or control characters; not absolute; at most 32 deep.
/// </summary>
internal static class RelativePath
{
    public const string FeedbackFolder = "feedback";

    /// <summary>Null when acceptable, otherwise why not (the caller names the entry).</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0)
        {
            return "the name is empty";
        }

        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':'))
        {
            return "it is an absolute path";
        }

        var segments = path.Split('/');
        if (segments.Length > 32)
        {
            return "it is nested more than 32 folders deep";
        }

        foreach (var s in segments)
        {
            if (s is "..")
            {
                return "it contains '..' (it would escape the assignment folder)";
            }

            if (s.Length == 0 || s == ".")
            {
                return "it has an empty or '.' segment";
            }

            if (s.Contains('\\', StringComparison.Ordinal) || s.Any(char.IsControl))
            {
                return "it contains a backslash or a control character";
            }

            if (System.Text.Encoding.UTF8.GetByteCount(s) > 255)
            {
                return "a name in it is longer than 255 bytes";
            }
        }

        return null;
    }

    /// <summary>A path for a message: control characters shown as escapes (\n, \t, \x1b), so a name cannot fake lines or colours.</summary>
    public static string Printable(string path)
    {
        if (!path.Any(char.IsControl))
        {
            return path;
        }

        var text = new System.Text.StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }

    /// <summary><c>dir/analysis.ipynb</c>, 2 → <c>analysis (release 2).ipynb</c> (the file name only).</summary>
    public static string Beside(string fileName, string label)
    {
        var ext = Path.GetExtension(fileName);
        var stem = ext.Length > 0 && ext.Length < fileName.Length ? fileName[..^ext.Length] : fileName;
        var extension = stem.Length == fileName.Length ? "" : ext;
        return $"{stem} ({label}){extension}";
    }
}
