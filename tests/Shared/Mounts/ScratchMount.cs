using System.Diagnostics;

namespace Classhub.Testing.Mounts;

/// <summary>
/// A real mount for a test, made and removed with mount(8) (tests run as root): a small tmpfs that can be filled to
/// the last byte (a full disk), or a read-only bind mount of a folder (a read-only file system). Disposing unmounts it
/// (lazily, if a process still holds a file there) and removes the mount point.
/// </summary>
public sealed class ScratchMount : IDisposable
{
    private readonly string? _source;

    private ScratchMount(string path, string? source)
    {
        Path = path;
        _source = source;
    }

    /// <summary>The mount point: the folder to use.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>A tmpfs of <paramref name="megabytes"/> MB, mode 0700, owned by root.</summary>
    public static ScratchMount Tmpfs(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("classhub-tmpfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path);
        return new ScratchMount(path, null);
    }

    /// <summary>A read-only view of <paramref name="source"/> (which stays writable at its own path).</summary>
    public static ScratchMount ReadOnlyView(string source)
    {
        var path = Directory.CreateTempSubdirectory("classhub-readonly-").FullName;
        Run("mount", "--bind", source, path);
        Run("mount", "-o", "remount,bind,ro", path);
        return new ScratchMount(path, source);
    }

    /// <summary>Writes a filler file until the file system says it is full (ENOSPC); returns the bytes written.</summary>
    public long Fill()
    {
        var block = new byte[64 * 1024];
        long written = 0;
        // Unbuffered: nothing is left to write (and fail) when the stream is closed.
        using var stream = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                stream.Write(block);
                written += block.Length;
            }
        }
        catch (IOException e) when (e.HResult == 28)
        {
            // ENOSPC: full. Fill the last partial block too, one byte at a time.
        }

        try
        {
            while (true)
            {
                stream.WriteByte(0);
                written++;
            }
        }
        catch (IOException e) when (e.HResult == 28)
        {
            return written;
        }
    }

    /// <summary>Removes the filler: the space is back.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        if (Run("umount", Path) != 0)
        {
            Run("umount", "--lazy", Path);
        }

        Directory.Delete(Path, recursive: _source is null);
    }

    private static int Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && program == "mount")
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        }

        return process.ExitCode;
    }
}
