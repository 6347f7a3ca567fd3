namespace Classhub.Hosting;

/// <summary>
/// One hub per state directory: <c>serve</c> holds an exclusive lock on <c>serve.lock</c> for its lifetime (released
/// by the kernel if the process dies, even with kill -9). The CLI does not take it: it shares the database.
/// </summary>
internal sealed class DataDirLock : IDisposable
{
    private readonly FileStream _stream;

    private DataDirLock(FileStream stream) => _stream = stream;

    public static DataDirLock? TryAcquire(string dataDir)
    {
        try
        {
            var stream = new FileStream(Path.Combine(dataDir, "serve.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write(Environment.ProcessId);
            }

            stream.Flush();
            return new DataDirLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
