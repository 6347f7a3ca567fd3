using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Classhub.Hub.Assignments.Files;

/// <summary>Thrown when a file operation inside a user's (or a pushed) tree fails; the message says what and where.</summary>
internal class TreeException(string message) : IOException(message);

/// <summary>Thrown when a folder holds more names than the caller allows (<see cref="SafeDirectory.Entries"/>).</summary>
internal sealed class TooManyEntriesException(string message) : TreeException(message);

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

    /// <summary>
    /// Creates the child folder, which must not exist yet (mkdirat; null when something of that name is already there),
    /// and opens it without following a link; it is checked to be the folder just made (owned by the hub's user) before
    /// it is given to <paramref name="owner"/> with <paramref name="mode"/>. For writing into a folder others can write to:
    /// nothing already there is reused, and a swap after the mkdirat is refused instead of followed.
    /// </summary>
    public SafeDirectory? CreateFreshChild(string name, FileOwner? owner, uint mode)
    {
        CheckName(name);
        if (Posix.MkdirAt(Fd, name, 0x1C0) != 0)
        {
            return Posix.Errno == Posix.EEXIST ? null : throw new TreeException($"creating the folder {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
        }

        var created = OpenChild(name) ?? throw new TreeException($"creating the folder {Path.Join(Display, name)}: it vanished; someone else can write to {Display}");
        if (Posix.StatFd(created.Fd) is not { IsDirectory: true } stat || stat.Uid != Posix.GetEUid())
        {
            created.Dispose();
            throw new TreeException($"creating the folder {Path.Join(Display, name)}: it was replaced by someone else's; someone else can write to {Display}");
        }

        created.Give(owner, mode);
        return created;
    }

    /// <summary>Gives this folder to <paramref name="owner"/> (when given) with <paramref name="mode"/> (fchown, fchmod).</summary>
    public void Give(FileOwner? owner, uint mode)
    {
        if (owner is { } o && Posix.FChown(Fd, o.Uid, o.Gid) != 0)
        {
            throw new TreeException($"giving {Display} to uid {o.Uid}: {Posix.Describe(Posix.Errno)}");
        }

        _ = Posix.FChmod(Fd, mode);
    }

    /// <summary>Takes group and other permissions away from this folder when it has any (fchmod; owner bits kept).</summary>
    public void MakePrivate()
    {
        if (Posix.StatFd(Fd) is { } stat && (stat.Mode & 0x3F) != 0)
        {
            _ = Posix.FChmod(Fd, stat.Mode & 0x1C0);
        }
    }

    /// <summary>lstat of a child; null when it does not exist.</summary>
    public Posix.FileStat? Stat(string name)
    {
        CheckName(name);
        var stat = Posix.StatAt(Fd, name, out var errno);
        return stat is null && errno != Posix.ENOENT ? throw new TreeException($"looking at {Path.Join(Display, name)}: {Posix.Describe(errno)}") : stat;
    }

    /// <summary>
    /// The names in this folder (without . and ..), each with its lstat. A name that is not valid UTF-8 cannot be
    /// reopened by name from .NET, so it is left out and, when <paramref name="undecodable"/> is given, added there in a
    /// printable form (bytes that are not UTF-8 as \xNN). More than <paramref name="max"/> names is refused (a folder
    /// of millions of files would otherwise be read into memory whole).
    /// </summary>
    public IReadOnlyList<(string Name, Posix.FileStat Stat)> Entries(int max = int.MaxValue, List<string>? undecodable = null)
    {
        var names = new List<string>();
        ReadNames(raw =>
        {
            if (names.Count >= max)
            {
                throw new TooManyEntriesException($"{Display} holds more than {max} files and folders");
            }

            if (System.Text.Unicode.Utf8.IsValid(raw))
            {
                names.Add(System.Text.Encoding.UTF8.GetString(raw));
            }
            else
            {
                undecodable?.Add(Printable(raw));
            }
        });

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

    /// <summary>
    /// Removes what a <see cref="WriteFile(string, SafeFileHandle, FileOwner?, uint)"/> here left when its process was
    /// killed between creating its temporary file and renaming it: a name of exactly that form
    /// (<c>.classhub-</c>, 12 hex digits, <c>.tmp</c>) that is a regular file owned by the hub's user or by
    /// <paramref name="owner"/> (the write had already given it away), and that no writer holds (a live write keeps
    /// its temporary file locked). Anything else under such a name (a link, a FIFO, a folder, another user's file) is
    /// left alone, and nothing is followed or read. Returns how many were removed.
    /// </summary>
    public int RemoveStaleTemporaries(uint? owner)
    {
        var candidates = new List<string>();
        ReadNames(raw =>
        {
            if (IsTemporaryName(raw))
            {
                candidates.Add(System.Text.Encoding.ASCII.GetString(raw));
            }
        });

        var removed = 0;
        foreach (var name in candidates)
        {
            var fd = Posix.OpenAt(Fd, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
            if (fd < 0)
            {
                continue;
            }

            try
            {
                if (Posix.StatFd(fd) is { IsRegular: true } stat && (stat.Uid == Posix.GetEUid() || stat.Uid == owner)
                    && Posix.Flock(fd, Posix.LOCK_EX | Posix.LOCK_NB) == 0 && Posix.UnlinkAt(Fd, name, 0) == 0)
                {
                    removed++;
                }
            }
            finally
            {
                Posix.Close(fd);
            }
        }

        return removed;
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

    /// <summary>
    /// SHA-256 (lower-case hex) of a regular file here, or null when it is missing, not a regular file, or larger than
    /// <paramref name="maxBytes"/> when opened. Only the size seen at open is read: a student's file that is huge (a
    /// sparse terabyte costs them nothing) or that they grow while it is read is never read through.
    /// </summary>
    public string? HashOf(string name, long maxBytes)
    {
        using var handle = OpenFile(name);
        if (handle is null || Posix.StatFd((int)handle.DangerousGetHandle()) is not { } stat || stat.Size > maxBytes)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long offset = 0;
        while (offset < stat.Size)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, stat.Size - offset)), offset);
            if (n == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, n);
            offset += n;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
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

    /// <summary>
    /// Creates <paramref name="name"/>, which must not exist (O_CREAT|O_EXCL|O_NOFOLLOW: never an existing file, never
    /// through a link), with at most <paramref name="maxBytes"/> bytes of <paramref name="source"/>, then gives it to
    /// <paramref name="owner"/> with <paramref name="mode"/>. Returns the bytes written.
    /// </summary>
    public long CreateFile(string name, SafeFileHandle source, long maxBytes, FileOwner? owner, uint mode)
    {
        CheckName(name);
        var fd = Posix.OpenAt(Fd, name, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0x180);
        if (fd < 0)
        {
            throw new TreeException($"writing {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
        }

        using var target = new SafeFileHandle(fd, ownsHandle: true);
        var written = CopyAtMost(source, target, maxBytes);
        if (owner is { } o && Posix.FChown(fd, o.Uid, o.Gid) != 0)
        {
            throw new TreeException($"giving {Path.Join(Display, name)} to uid {o.Uid}: {Posix.Describe(Posix.Errno)}");
        }

        _ = Posix.FChmod(fd, mode);
        return written;
    }

    /// <summary>
    /// Copies at most <paramref name="maxBytes"/> bytes from the start of <paramref name="source"/> (less when it ends
    /// sooner): a file its owner grows while it is copied (ftruncate, appending) yields only what was counted.
    /// </summary>
    public static long CopyAtMost(SafeFileHandle source, SafeFileHandle target, long maxBytes)
    {
        var buffer = new byte[1 << 16];
        long offset = 0;
        while (offset < maxBytes)
        {
            var n = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, maxBytes - offset)), offset);
            if (n == 0)
            {
                break;
            }

            RandomAccess.Write(target, buffer.AsSpan(0, n), offset);
            offset += n;
        }

        return offset;
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

    /// <summary>A name that is not UTF-8, for messages: its valid parts as text, every other byte as \xNN.</summary>
    private static string Printable(ReadOnlySpan<byte> raw)
    {
        var text = new System.Text.StringBuilder();
        while (!raw.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(raw, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                for (var i = 0; i < used; i++)
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{raw[i]:x2}");
                }
            }

            raw = raw[used..];
        }

        return text.ToString();
    }

    private void Write(string name, FileOwner? owner, uint mode, Action<SafeFileHandle> fill)
    {
        CheckName(name);
        var (temp, fd) = CreateTemporary(name);
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
                if (Posix.RenameAt(Fd, temp, Fd, name) != 0)
                {
                    throw new TreeException($"writing {Path.Join(Display, name)}: {Posix.Describe(Posix.Errno)}");
                }
            }
        }
        catch
        {
            Posix.UnlinkAt(Fd, temp, 0);
            throw;
        }
    }

    /// <summary>
    /// A new temporary file here (O_EXCL|O_NOFOLLOW, 0600), locked for as long as it is open: a crash between its
    /// creation and its rename leaves it behind, and <see cref="RemoveStaleTemporaries"/> tells such a leftover from a
    /// write in progress (in this process or another) by that lock. Should a clean-up take the file between its
    /// creation and the lock, it is given up and another made.
    /// </summary>
    private (string Name, int Fd) CreateTemporary(string forName)
    {
        for (var attempt = 0; ; attempt++)
        {
            var temp = $".classhub-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
            var fd = Posix.OpenAt(Fd, temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0x180);
            if (fd < 0)
            {
                throw new TreeException($"writing {Path.Join(Display, forName)}: {Posix.Describe(Posix.Errno)}");
            }

            if (Posix.Flock(fd, Posix.LOCK_EX | Posix.LOCK_NB) == 0)
            {
                return (temp, fd);
            }

            Posix.Close(fd);
            if (attempt == 2)
            {
                throw new TreeException($"writing {Path.Join(Display, forName)}: its temporary file was taken away three times; is another process cleaning {Display}?");
            }
        }
    }

    /// <summary>".classhub-" + 12 lower-case hex digits + ".tmp": the temporary names <see cref="CreateTemporary"/> makes.</summary>
    private static bool IsTemporaryName(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != 26 || !raw.StartsWith(".classhub-"u8) || !raw.EndsWith(".tmp"u8))
        {
            return false;
        }

        foreach (var b in raw[10..22])
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    private delegate void NameAction(ReadOnlySpan<byte> name);

    /// <summary>Calls <paramref name="action"/> with each name in this folder (raw bytes, without . and ..), read with readdir on a duplicate descriptor.</summary>
    private void ReadNames(NameAction action)
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

        try
        {
            // The dup shares the file offset with our descriptor, which an earlier listing left at the end.
            Posix.RewindDir(dir);
            while (Posix.ReadDir(dir) is var entry && entry != 0)
            {
                var raw = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)(entry + 19));
                if (!(raw.SequenceEqual("."u8) || raw.SequenceEqual(".."u8) || raw.IsEmpty))
                {
                    action(raw);
                }
            }
        }
        finally
        {
            Posix.CloseDir(dir);
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
