using Classhub.Storage.Database;

namespace Classhub.Hub.Assignments.Files;

/// <summary>A full disk (or an exhausted quota) behind a failed write in assignment work, and how to say so.</summary>
internal static class DiskFull
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    /// <summary>
    /// <see cref="StorageFailure.IsDiskFull"/>, plus the <see cref="TreeException"/>s of <see cref="SafeDirectory"/>,
    /// which carry the system's reason in their message only.
    /// </summary>
    public static bool Is(Exception e) =>
        StorageFailure.IsDiskFull(e)
        || (e is TreeException && (e.Message.Contains(Posix.Describe(ENOSPC), StringComparison.Ordinal) || e.Message.Contains(Posix.Describe(EDQUOT), StringComparison.Ordinal)));

    /// <summary>"&lt;doing&gt;: the disk that holds &lt;folder&gt; is full; nothing was &lt;undone&gt;. Free space there (df -h &lt;folder&gt;), then &lt;retry&gt;".</summary>
    public static string Message(string doing, string folder, string nothing, string retry) =>
        $"{doing}: the disk that holds {folder} is full, so {nothing}. Free space there (see df -h {folder}), then {retry}";
}
