using Classhub.Storage.Database;

namespace Classhub.Hosting;

/// <summary>
/// One hub per state directory: <c>serve</c> holds an exclusive lock on <c>serve.lock</c> for its lifetime (released
/// by the kernel if the process dies, even with kill -9). The CLI does not take it: it shares the database.
/// </summary>
internal sealed class DataDirLock : IDisposable
{
    // errno .NET reports in IOException.HResult when flock(LOCK_EX | LOCK_NB) finds the lock taken.
    private const int EWOULDBLOCK = 11;

    private readonly FileStream _stream;

    private DataDirLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// The lock, or why not, telling "in use" (another hub holds it) from "cannot write" (a read-only, full or foreign
    /// folder, which no amount of stopping other hubs would fix).
    /// </summary>
    public static (DataDirLock? Lock, string? Problem) TryAcquire(string dataDir)
    {
        FileStream? stream = null;
        try
        {
            stream = new FileStream(Path.Combine(dataDir, "serve.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write(Environment.ProcessId);
            }

            stream.Flush();
            return (new DataDirLock(stream), null);
        }
        catch (IOException e) when (e.HResult == EWOULDBLOCK)
        {
            return (null, $"another classhub is already serving {dataDir}; stop it first, or use another --data-dir");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Close(stream);
            var why = StorageFailure.Of(e, dataDir) ?? StorageFailure.Diagnose(dataDir);
            return (null, why?.UserMessage ?? $"cannot lock {Path.Combine(dataDir, "serve.lock")} ({e.Message}); check the folder, or use another --data-dir");
        }
    }

    public void Dispose() => _stream.Dispose();

    private static void Close(FileStream? stream)
    {
        try
        {
            stream?.Dispose();
        }
        catch (IOException)
        {
            // Its buffered pid could not be written either (a full disk): the file is closed all the same.
        }
    }
}
