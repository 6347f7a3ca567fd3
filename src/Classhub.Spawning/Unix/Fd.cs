namespace Classhub.Spawning.Unix;

/// <summary>What statx says about an open file: type and permission bits, owner, and birth time when recorded.</summary>
internal readonly record struct FileFacts(uint Mode, uint Uid, DateTimeOffset? Birth)
{
    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    public uint Permissions => Mode & 0xFFF;
}

/// <summary>
/// One open file descriptor, closed on dispose. Everything done through it is done to the file it was opened on,
/// whatever happens to that file's path meanwhile; children are opened relative to it, one name at a time.
/// </summary>
internal sealed unsafe class Fd : IDisposable
{
    private const uint StatxBasicStats = 0x7FF;
    private const uint StatxBirthTime = 0x800;

    private int _fd;

    private Fd(int fd)
    {
        _fd = fd;
    }

    public int Number => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(Fd));

    /// <summary>Takes ownership of a descriptor some other call returned (open_tree, ...); null when it is negative.</summary>
    public static Fd? Own(int fd) => fd < 0 ? null : new Fd(fd);

    /// <summary>Opens a path the system controls (never one inside a student's tree); null with errno on failure.</summary>
    public static Fd? Open(string path, int flags, out int errno)
    {
        var fd = LibC.Open(path, flags | LibC.O_CLOEXEC, 0);
        errno = fd < 0 ? LibC.Errno : 0;
        return fd < 0 ? null : new Fd(fd);
    }

    /// <summary>Opens <paramref name="name"/> (one path component) relative to this directory; null with errno on failure.</summary>
    public Fd? OpenChild(string name, int flags, out int errno)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not one path component", nameof(name));
        }

        var fd = LibC.OpenAt(Number, name, flags | LibC.O_CLOEXEC, 0);
        errno = fd < 0 ? LibC.Errno : 0;
        return fd < 0 ? null : new Fd(fd);
    }

    /// <summary>statx of the open file itself; null when it fails.</summary>
    public FileFacts? Facts()
    {
        var buffer = stackalloc byte[256];
        if (LibC.StatX(Number, "", LibC.AT_EMPTY_PATH, StatxBasicStats | StatxBirthTime, buffer) != 0)
        {
            return null;
        }

        // struct statx: stx_mask at 0, stx_uid at 20, stx_mode (16 bits) at 28, stx_btime {tv_sec, tv_nsec} at 80.
        var mask = *(uint*)buffer;
        DateTimeOffset? birth = (mask & StatxBirthTime) != 0
            ? DateTimeOffset.FromUnixTimeSeconds(*(long*)(buffer + 80)).AddTicks(*(uint*)(buffer + 88) / 100)
            : null;
        return new FileFacts(*(ushort*)(buffer + 28), *(uint*)(buffer + 20), birth);
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            LibC.Close(_fd);
            _fd = -1;
        }
    }
}
