using System.Runtime.InteropServices;

namespace Classhub.Spawning.Datasets;

/// <summary>
/// The bind-mount steps of <see cref="LinuxDatasetMounts"/> as mount(2)/umount2(2) calls. They used to run
/// <c>/usr/bin/mount</c>, two to five processes per server start under one lock: in a burst of 20 starts on a
/// busy machine that queue alone held the last student's server back by seconds. Each method returns null on
/// success, otherwise what failed in the words of <c>mount</c> (the call and the system's reason).
/// </summary>
internal static unsafe partial class BindMounts
{
    private const ulong MS_RDONLY = 1;
    private const ulong MS_NOSUID = 2;
    private const ulong MS_NODEV = 4;
    private const ulong MS_NOEXEC = 8;
    private const ulong ST_NOEXEC = 8;
    private const ulong MS_REMOUNT = 32;
    private const ulong MS_BIND = 4096;
    private const ulong MS_SHARED = 1 << 20;
    private const int MNT_DETACH = 2;

    private const long SYS_openat2 = 437;
    private const ulong O_PATH = 0x200000;
    private const ulong O_CLOEXEC = 0x80000;
    private const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    private const ulong RESOLVE_NO_SYMLINKS = 0x04;
    private const int AT_FDCWD = -100;
    private const int ELOOP = 40;

    /// <summary><c>mount --bind source target</c> (not recursive).</summary>
    public static string? Bind(string source, string target) =>
        Check(Mount(source, target, null, MS_BIND, 0), $"mount --bind {source} {target}");

    /// <summary>
    /// <c>mount --bind source target</c>, where <paramref name="source"/> is a real path (every symlink resolved when it
    /// was checked) that must still be reached without following any symlink. Whoever can write a folder on that path
    /// (a TA's own folder under /srv) could otherwise swap it for a symlink to a folder nobody may share between the
    /// check and the mount, and root would bind the link's target. The folder is opened with openat2
    /// (RESOLVE_NO_SYMLINKS) and bound from that descriptor, so the folder opened is the folder bound.
    /// </summary>
    public static string? BindWithoutSymlinks(string source, string target)
    {
        var how = new OpenHow { Flags = O_PATH | O_CLOEXEC | (ulong)O_DIRECTORY, Resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
        var fd = (int)OpenAt2(SYS_openat2, AT_FDCWD, source, &how, (nuint)sizeof(OpenHow));
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() == ELOOP
                ? $"{source} is reached through a symlink now (it was not when the dataset was added); not mounted. If that change was meant, remove the dataset and add it again"
                : Failure($"opening {source} without following symlinks");
        }

        try
        {
            return Check(Mount($"/proc/self/fd/{fd}", target, null, MS_BIND, 0), $"mount --bind {source} {target}");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary><c>mount --make-shared target</c>: mounts made below it later propagate to its copies.</summary>
    public static string? MakeShared(string target) =>
        Check(Mount("none", target, null, MS_SHARED, 0), $"mount --make-shared {target}");

    /// <summary>
    /// <c>mount -o remount,bind,ro,nosuid,nodev target</c>: the bind mount at target becomes read-only; a dataset
    /// never needs set-uid programs or device files, so those are off too. A bind remount sets the mount's flags to
    /// exactly those given, so noexec, when the dataset's own file system has it, is carried over.
    /// </summary>
    public static string? MakeReadOnly(string target)
    {
        StatVfs current;
        if (StatVfsCall(target, &current) != 0)
        {
            return Failure($"statvfs {target}");
        }

        var noexec = (current.Flag & ST_NOEXEC) != 0;
        var flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | (noexec ? MS_NOEXEC : 0);
        return Check(Mount("none", target, null, flags, 0), $"mount -o remount,bind,ro,nosuid,nodev{(noexec ? ",noexec" : "")} {target}");
    }

    /// <summary><c>umount --lazy target</c>: detaches target and everything mounted below it at once.</summary>
    public static string? Detach(string target) =>
        Check(Umount2(target, MNT_DETACH), $"umount --lazy {target}");

    private static string? Check(int result, string call) => result == 0 ? null : Failure(call);

    private static string Failure(string call) => $"{call}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";

    private static int O_DIRECTORY => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>struct open_how (linux/openat2.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    // glibc has no openat2 wrapper: syscall(SYS_openat2, dirfd, path, &how, sizeof how).
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long OpenAt2(long number, int directory, string path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string? fileSystemType, ulong flags, nint data);

    /// <summary>glibc's struct statvfs on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FileSystemId;
        public ulong Flag;
        public ulong NameMax;
        private fixed int _spare[6];
    }

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatVfsCall(string path, StatVfs* result);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}
