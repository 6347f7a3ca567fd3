using System.Runtime.InteropServices;

namespace Classhub.Spawning.Unix;

/// <summary>Sends signals to process groups.</summary>
internal static class Signals
{
    /// <summary>Signals every process in group <paramref name="pgid"/>; false when the group is gone (ESRCH).</summary>
    public static bool SendToGroup(int pgid, int signal)
    {
        if (pgid <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pgid), pgid, "refusing to signal a process group <= 1");
        }

        if (LibC.Kill(-pgid, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == LibC.ESRCH)
        {
            return false;
        }

        throw new InvalidOperationException($"kill(-{pgid}, {signal}) failed: errno {errno}");
    }
}
