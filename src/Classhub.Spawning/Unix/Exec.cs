using System.Runtime.InteropServices;

namespace Classhub.Spawning.Unix;

/// <summary>Replaces the current process with another program, keeping its pid and environment (execv).</summary>
internal static unsafe class Exec
{
    private const int SigSetMask = 2;
    private const int SigKill = 9;
    private const int SigStop = 19;

    /// <summary>
    /// Runs <paramref name="argv"/>[0] (a path; no PATH search) in place of this process. Every signal is put back to
    /// its default and unblocked first: .NET ignores SIGPIPE, and an ignored signal survives exec into the server and
    /// every terminal it opens. Returns only when the exec failed, with the errno.
    /// </summary>
    public static int Replace(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0)
        {
            throw new ArgumentException("nothing to run", nameof(argv));
        }

        for (var signal = 1; signal < 32; signal++)
        {
            if (signal is not (SigKill or SigStop))
            {
                LibC.Signal(signal, 0);
            }
        }

        var none = stackalloc byte[128];
        new Span<byte>(none, 128).Clear();
        LibC.SigProcMask(SigSetMask, none, null);

        // The strings are never freed: on success the process image is gone, on failure the caller exits.
        var pointers = new nint[argv.Count + 1];
        for (var i = 0; i < argv.Count; i++)
        {
            pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
        }

        fixed (nint* table = pointers)
        {
            LibC.ExecV((byte*)table[0], (byte**)table);
        }

        return LibC.Errno;
    }
}
