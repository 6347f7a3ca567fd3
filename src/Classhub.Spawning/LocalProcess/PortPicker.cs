using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Classhub.Spawning.LocalProcess;

/// <summary>
/// Picks a TCP port nobody listens on, by letting the kernel choose one and releasing it. A port handed out stays
/// reserved for <see cref="Reservation"/>, so two servers starting at once never get the same one before either
/// has bound it.
/// </summary>
internal sealed class PortPicker
{
    public static readonly TimeSpan Reservation = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<int, long> _handedOut = new();

    public PortPicker(TimeProvider time)
    {
        _time = time;
    }

    public int Pick(IPAddress address)
    {
        foreach (var (port, when) in _handedOut)
        {
            if (_time.GetElapsedTime(when) > Reservation)
            {
                _handedOut.TryRemove(port, out _);
            }
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = KernelChoice(address);
            if (_handedOut.TryAdd(port, _time.GetTimestamp()))
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
