namespace Classhub.Hub.Assignments.Files;

/// <summary>Recognises a full disk (or an exhausted quota) behind a failed write, from a file call or from SQLite.</summary>
internal static class DiskFull
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;
    private const int SqliteFull = 13;

    public static bool Is(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == SqliteFull,
        IOException io => io.HResult is ENOSPC or EDQUOT
            || io.Message.Contains(Posix.Describe(ENOSPC), StringComparison.Ordinal)
            || io.Message.Contains(Posix.Describe(EDQUOT), StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>"&lt;doing&gt;: the disk that holds &lt;folder&gt; is full; nothing was &lt;undone&gt;. Free space there (df -h &lt;folder&gt;), then &lt;retry&gt;".</summary>
    public static string Message(string doing, string folder, string nothing, string retry) =>
        $"{doing}: the disk that holds {folder} is full, so {nothing}. Free space there (see df -h {folder}), then {retry}";
}
