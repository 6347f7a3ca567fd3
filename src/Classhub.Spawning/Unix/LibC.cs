using System.Runtime.InteropServices;

namespace Classhub.Spawning.Unix;

/// <summary>The few libc calls the spawner needs (Tmds.LibC has no getpwnam); Linux x86-64/arm64 glibc layouts.</summary>
internal static unsafe partial class LibC
{
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ERANGE = 34;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>glibc's struct passwd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetPwNamR(string name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    public static partial int GetPwUidR(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetGroupList(string user, uint group, uint* groups, int* ngroups);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int sig);

    public const uint CLOSE_RANGE_CLOEXEC = 4;

    [LibraryImport("libc", EntryPoint = "close_range", SetLastError = true)]
    public static partial int CloseRange(uint first, uint last, int flags);

    /// <summary>struct rlimit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public record struct RLimit(ulong Current, ulong Max);

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    public static partial int GetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    public static partial int SetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEUid();
}
