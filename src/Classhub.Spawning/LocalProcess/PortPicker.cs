using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Classhub.Spawning.LocalProcess;

/// <summary>
/// Picks a TCP port nobody listens on, by letting the kernel choose one and releasing it. A port handed out stays
/// reserved for <see cref="Reservation"/>, so two servers starting at once never get the same one before either
/// has bound it (a jupyterhub-singleuser binds ~2 s after it is started, and the kernel offers a released port again).
/// The reservations are the process's, not one picker's: every spawner in the process draws from the same table.
/// </summary>
internal sealed class PortPicker
{
    public static readonly TimeSpan Reservation = TimeSpan.FromMinutes(1);

    // Each reservation is timed by the clock of the picker that made it.
    private static readonly ConcurrentDictionary<int, (TimeProvider Clock, long Stamp)> HandedOut = new();

    private readonly TimeProvider _time;

    public PortPicker(TimeProvider time)
    {
        _time = time;
    }

    public int Pick(IPAddress address)
    {
        foreach (var (port, (clock, stamp)) in HandedOut)
        {
            if (clock.GetElapsedTime(stamp) > Reservation)
            {
                HandedOut.TryRemove(port, out _);
            }
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = KernelChoice(address);
            if (HandedOut.TryAdd(port, (_time, _time.GetTimestamp())))
            {
                return port;
            }
        }

        throw new InvalidOperationException("the kernel kept offering ports that were just handed out");
    }

    private static int KernelChoice(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
