using System.Net;
using System.Net.Sockets;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>
/// A loopback port nobody listens on. The kernel may hand the same ephemeral port out twice once the probe closes
/// it, so a port is never handed out twice by one test process (pebble's DNS and ACME ports once collided).
/// </summary>
internal static class FreePort
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
