namespace Classhub.Spawning.Unix;

/// <summary>Keeps the hub's file descriptors out of the servers it starts.</summary>
internal static class Descriptors
{
    /// <summary>
    /// Marks every descriptor above stderr close-on-exec. .NET opens its own that way, but the hub may have inherited
    /// others from whatever started it (a supervisor's pipe, a terminal); a server holding one would keep it open
    /// for as long as it runs, and could read or write it as another user. Best effort: on a kernel without
    /// close_range (before 5.11) nothing is changed.
    /// </summary>
    public static void MarkInheritedCloseOnExec()
    {
        _ = LibC.CloseRange(3, uint.MaxValue, (int)LibC.CLOSE_RANGE_CLOEXEC);
    }
}
