using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Classhub.Hub.Assignments.Files;

/// <summary>Thrown when a file operation inside a user's (or a pushed) tree fails; the message says what and where.</summary>
internal sealed class TreeException(string message) : IOException(message);

/// <summary>
/// An open directory; every operation is relative to it and never follows a symlink (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW),
/// so walking or writing a tree a student controls cannot be redirected elsewhere by a link they planted, even if they
/// swap one in while the hub works. Files are written to a temporary name, chowned, then renamed over the target.
/// </summary>
internal sealed unsafe class SafeDirectory : IDisposable
{
    private int _fd;

    private SafeDirectory(int fd, string display)
    {
        _fd = fd;
        Display = display;
    }

    /// <summary>The path, for messages only (never reopened by path).</summary>
    public string Display { get; }

    public int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(Display);

    /// <summary>Opens a trusted root (a home from the password database, the data dir, a folder named by staff). Its own path may contain links.</summary>
    public static SafeDirectory OpenRoot(string path)
    {
        var fd = Posix.Open(path, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        return fd < 0 ? throw new TreeException($"opening the folder {path}: {Posix.Describe(Posix.Errno)}") : new SafeDirectory(fd, path);
    }

    /// <summary>The child folder, or null when it does not exist; throws when it is a symlink or not a folder.</summary>
    public SafeDirectory? OpenChild(string name)
    {
        CheckName(name);
        var fd = Posix.OpenAt(Fd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        if (fd >= 0)
        {
            return new SafeDirectory(fd, Path.Join(Display, name));
        }

        var errno = Posix.Errno;
        return errno == Posix.ENOENT
            ? null
            : throw new TreeException(errno is Posix.ELOOP or Posix.ENOTDIR
                ? $"{Path.Join(Display, name)} is a {Stat(name)?.TypeName ?? "file"}, not a folder; move it away and try again"
                : $"opening {Path.Join(Display, name)}: {Posix.Describe(errno)}");
    }

    /// <summary>The child folder, created (mode 0755 or <paramref name="mode"/>, owned by <paramref name="owner"/>) when missing.</summary>
    public SafeDirectory OpenOrCreateChild(string name, FileOwner? owner, uint mode = 0x1ED)
    {
        if (OpenChild(name) is { } existing)
        {
            return existing;
        }

        if (Posix.MkdirAt(Fd, name, mode) != 0 && Posix.Errno != Posix.EEXIST)
        {
            throw new TreeException($"creating the folder {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
        }

        var created = OpenChild(name) ?? throw new TreeException($"creating the folder {Path.Join(Display, name)}: it vanished");
        if (owner is { } o && Posix.FChown(created.Fd, o.Uid, o.Gid) != 0)
        {
            throw new TreeException($"giving {created.Display} to uid {o.Uid}: {Posix.Describe(Posix.Errno)}");
        }

        _ = Posix.FChmod(created.Fd, mode);
        return created;
    }

    /// <summary>lstat of a child; null when it does not exist.</summary>
    public Posix.FileStat? Stat(string name)
    {
        CheckName(name);
        var stat = Posix.StatAt(Fd, name, out var errno);
        return stat is null && errno != Posix.ENOENT ? throw new TreeException($"looking at {Path.Join(Display, name)}: {Posix.Describe(errno)}") : stat;
    }

    /// <summary>The names in this folder (without . and ..), each with its lstat.</summary>
    public IReadOnlyList<(string Name, Posix.FileStat Stat)> Entries()
    {
        var dup = Posix.Dup(Fd);
        var dir = dup < 0 ? 0 : Posix.FdOpenDir(dup);
        if (dir == 0)
        {
            if (dup >= 0)
            {
                Posix.Close(dup);
            }

            throw new TreeException($"listing {Display}: {Posix.Describe(Posix.Errno)}");
        }

        var names = new List<string>();
        try
        {
            // The dup shares the file offset with our descriptor, which an earlier listing left at the end.
            Posix.RewindDir(dir);
            while (Posix.ReadDir(dir) is var entry && entry != 0)
            {
                var name = Marshal.PtrToStringUTF8(entry + 19) ?? "";
                if (name is not ("." or ".." or ""))
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            Posix.CloseDir(dir);
        }

        names.Sort(StringComparer.Ordinal);
        var result = new List<(string, Posix.FileStat)>(names.Count);
        foreach (var name in names)
        {
            if (Stat(name) is { } stat)
            {
                result.Add((name, stat));
            }
        }

        return result;
    }

    /// <summary>Opens a regular file for reading without following a link; null when it is missing or not a regular file.</summary>
    public SafeFileHandle? OpenFile(string name)
    {
        CheckName(name);
        var fd = Posix.OpenAt(Fd, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Posix.StatFd(fd) is not { IsRegular: true })
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>SHA-256 (lower-case hex) of a regular file here, or null when it is missing or not a regular file.</summary>
    public string? HashOf(string name)
    {
        using var handle = OpenFile(name);
        if (handle is null)
        {
            return null;
        }

        using var stream = new FileStream(handle, FileAccess.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Writes <paramref name="name"/> with the bytes of <paramref name="source"/>: a temporary file created with
    /// O_EXCL|O_NOFOLLOW, filled (reflink when possible, else copy_file_range), chowned, then renamed over the name.
    /// </summary>
    public void WriteFile(string name, SafeFileHandle source, FileOwner? owner, uint mode = 0x1A4)
    {
        Write(name, owner, mode, target => CopyData(source, target));
    }

    public void WriteFile(string name, ReadOnlySpan<byte> bytes, FileOwner? owner, uint mode = 0x1A4)
    {
        var copy = bytes.ToArray();
        Write(name, owner, mode, target => RandomAccess.Write(target, copy, 0));
    }

    /// <summary>Removes a file (not a folder) here; missing is fine.</summary>
    public void DeleteFile(string name)
    {
        CheckName(name);
        if (Posix.UnlinkAt(Fd, name, 0) != 0 && Posix.Errno != Posix.ENOENT)
        {
            throw new TreeException($"removing {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
        }
    }

    /// <summary>Renames a child within this folder (replacing the target when it is a file).</summary>
    public void Rename(string from, string to)
    {
        CheckName(from);
        CheckName(to);
        if (Posix.RenameAt(Fd, from, Fd, to) != 0)
        {
            throw new TreeException($"renaming {Path.Join(Display, from)} to {to}: {Posix.Describe(Posix.Errno)}");
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Posix.Close(_fd);
            _fd = -1;
        }
    }

    private void Write(string name, FileOwner? owner, uint mode, Action<SafeFileHandle> fill)
    {
        CheckName(name);
        var temp = $".classhub-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        var fd = Posix.OpenAt(Fd, temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0x180);
        if (fd < 0)
        {
            throw new TreeException($"writing {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
        }

        try
        {
            using (var target = new SafeFileHandle(fd, ownsHandle: true))
            {
                fill(target);
                if (owner is { } o && Posix.FChown(fd, o.Uid, o.Gid) != 0)
                {
                    throw new TreeException($"giving {Path.Join(Display, name)} to uid {o.Uid}: {Posix.Describe(Posix.Errno)}");
                }

                _ = Posix.FChmod(fd, mode);
            }

            if (Posix.RenameAt(Fd, temp, Fd, name) != 0)
            {
                throw new TreeException($"writing {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
            }
        }
        catch
        {
            Posix.UnlinkAt(Fd, temp, 0);
            throw;
        }
    }

    private static void CopyData(SafeFileHandle source, SafeFileHandle target)
    {
        var length = RandomAccess.GetLength(source);
        var inFd = (int)source.DangerousGetHandle();
        var outFd = (int)target.DangerousGetHandle();
        if (length == 0 || Posix.TryClone(outFd, inFd))
        {
            return;
        }

        long inOffset = 0;
        long outOffset = 0;
        while (inOffset < length)
        {
            var n = Posix.CopyFileRange(inFd, &inOffset, outFd, &outOffset, (nuint)Math.Min(length - inOffset, 1L << 30), 0);
            if (n > 0)
            {
                continue;
            }

            if (n == 0)
            {
                break;
            }

            var errno = Posix.Errno;
            if (errno == Posix.EINTR)
            {
                continue;
            }

            if (errno is Posix.EXDEV or Posix.EINVAL or Posix.ENOSYS or Posix.EOPNOTSUPP)
            {
                CopyByStreams(source, target, inOffset);
                return;
            }

            throw new TreeException($"copying data: {Posix.Describe(errno)}");
        }
    }

    private static void CopyByStreams(SafeFileHandle source, SafeFileHandle target, long from)
    {
        var buffer = new byte[1 << 16];
        var offset = from;
        int n;
        while ((n = RandomAccess.Read(source, buffer, offset)) > 0)
        {
            RandomAccess.Write(target, buffer.AsSpan(0, n), offset);
            offset += n;
        }
    }

    private void CheckName(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new TreeException($"'{name}' in {Display} is not a plain file name");
        }
    }
}

/// <summary>The Unix owner given to files written for a user.</summary>
internal readonly record struct FileOwner(uint Uid, uint Gid);
