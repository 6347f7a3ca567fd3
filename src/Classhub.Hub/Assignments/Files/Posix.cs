using System.Runtime.InteropServices;

namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// The libc calls behind <see cref="SafeDirectory"/>: *at() calls relative to an open directory with O_NOFOLLOW, so
/// a symlink planted in a student's home is never followed by the hub running as root. Linux glibc, x86-64 and arm64.
/// </summary>
internal static unsafe partial class Posix
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EOPNOTSUPP = 95;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFLNK = 0xA000;

    private const ulong FICLONE = 0x40049409;

    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    public static int O_DIRECTORY => Arm ? 0x4000 : 0x10000;

    public static int O_NOFOLLOW => Arm ? 0x8000 : 0x20000;

    /// <summary>What <see cref="StatAt"/> reports: the file type and permission bits, owner and size.</summary>
    public readonly record struct FileStat(uint Mode, uint Uid, long Size)
    {
        public uint Type => Mode & S_IFMT;

        public bool IsDirectory => Type == S_IFDIR;

        public bool IsRegular => Type == S_IFREG;

        public bool IsSymlink => Type == S_IFLNK;

        public string TypeName => Type switch
        {
            S_IFDIR => "folder",
            S_IFREG => "file",
            S_IFLNK => "symbolic link",
            0x2000 => "character device",
            0x6000 => "block device",
            0x1000 => "named pipe",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirFd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt(int oldDirFd, string oldPath, int newDirFd, string newPath);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>flock(2): an advisory lock on the open file, held until every descriptor of it is closed (or the process dies).</summary>
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "fstatat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FStatAt(int dirFd, string path, byte* buffer, int flags);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    public static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "rewinddir")]
    public static partial void RewindDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint dir);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    public static partial nint CopyFileRange(int inFd, long* inOffset, int outFd, long* outOffset, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, int argument);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEUid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEGid();

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>lstat of <paramref name="name"/> in the directory (never follows a final symlink); null with errno when it fails.</summary>
    public static FileStat? StatAt(int dirFd, string name, out int errno)
    {
        var buffer = stackalloc byte[256];
        if (FStatAt(dirFd, name, buffer, AT_SYMLINK_NOFOLLOW) != 0)
        {
            errno = Errno;
            return null;
        }

        errno = 0;
        return Read(buffer);
    }

    public static FileStat? StatFd(int fd)
    {
        var buffer = stackalloc byte[256];
        return FStat(fd, buffer) != 0 ? null : Read(buffer);
    }

    /// <summary>Clones <paramref name="source"/> into <paramref name="target"/> (reflink) when the file system can; false otherwise.</summary>
    public static bool TryClone(int target, int source) => Ioctl(target, FICLONE, source) == 0;

    // struct stat: x86-64 has st_nlink (8 bytes) before st_mode; the generic layout (arm64) has st_mode then a 4-byte st_nlink.
    private static FileStat Read(byte* b) => Arm
        ? new FileStat(*(uint*)(b + 16), *(uint*)(b + 24), *(long*)(b + 48))
        : new FileStat(*(uint*)(b + 24), *(uint*)(b + 28), *(long*)(b + 48));
}
