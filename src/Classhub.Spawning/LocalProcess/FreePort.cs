using System.Net;
using System.Net.Sockets;

namespace Classhub.Spawning.LocalProcess;

/// <summary>Picks a TCP port nobody listens on, by letting the kernel choose one and releasing it.</summary>
internal static class FreePort
{
    public static int Pick(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
