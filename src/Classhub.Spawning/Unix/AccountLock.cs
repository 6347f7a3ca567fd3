namespace Classhub.Spawning.Unix;

/// <summary>
/// Serialises "find the account, else useradd" across the hub and CLI processes (and within one). Without it, two
/// useradd runs for the same new name can both pass useradd's name check; the second then rewrites the passwd entry
/// with another uid, and files already given to the first uid end up owned by nobody. The lock file lives in a
/// root-only folder (/run/classhub), so another user cannot hold it.
/// </summary>
internal static class AccountLock
{
    private const string Folder = "/run/classhub";
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await InProcess.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var path = Path.Combine(Folder, "accounts.lock");
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    // FileShare.None takes flock(LOCK_EX) on Unix; another process holding it makes this throw.
                    var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(file);
                }
                catch (IOException) when (attempt < 1200)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
        }
        catch
        {
            InProcess.Release();
            throw;
        }
    }

    private sealed class Held(FileStream file) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                file.Dispose();
                InProcess.Release();
            }
        }
    }
}
