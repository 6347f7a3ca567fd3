namespace Classhub.Spawning.Unix;

/// <summary>The hub's own open-file limit.</summary>
internal static class OpenFiles
{
    private const int RLIMIT_NOFILE = 7;

    /// <summary>
    /// Raises the soft RLIMIT_NOFILE to the hard limit and returns the new soft limit (0 when it could not be read).
    /// Every proxied WebSocket holds two descriptors (browser and server side), so a classroom needs thousands;
    /// systemd's default soft limit is 1024 and, unlike CoreCLR, a Native-AOT program does not raise it by itself.
    /// </summary>
    public static unsafe ulong RaiseSoftLimit()
    {
        LibC.RLimit limit;
        if (LibC.GetRLimit(RLIMIT_NOFILE, &limit) != 0)
        {
            return 0;
        }

        if (limit.Current < limit.Max)
        {
            var raised = limit with { Current = limit.Max };
            if (LibC.SetRLimit(RLIMIT_NOFILE, &raised) == 0)
            {
                return raised.Current;
            }
        }

        return limit.Current;
    }
}
