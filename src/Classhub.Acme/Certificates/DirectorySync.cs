using System.Runtime.InteropServices;
using System.Text;

namespace Classhub.Acme.Certificates;

/// <summary>
/// fsync(2) on a directory, so a rename into it survives a power cut. .NET cannot open a directory
/// handle itself, hence libc. Best effort: a file system that refuses is not an error.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    /// <summary>True when the directory was flushed.</summary>
    public static bool Flush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var descriptor = Open(Encoding.UTF8.GetBytes(path + "\0"), ReadOnly | Directory);
        if (descriptor < 0)
        {
            return false;
        }
        var flushed = Fsync(descriptor) == 0;
        _ = Close(descriptor);
        return flushed;
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);
}
