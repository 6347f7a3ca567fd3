using System.Net.Sockets;
using System.Text;

namespace Classhub.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: tells systemd READY=1 once Kestrel listens (so <c>Type=notify</c> units are
/// "active" only when the hub serves), and STOPPING=1 on shutdown. Does nothing when $NOTIFY_SOCKET is unset.
/// </summary>
internal sealed class SystemdNotifier(IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } socket)
        {
            // ApplicationStarted fires after the server has bound its addresses, unlike this StartAsync.
            lifetime.ApplicationStarted.Register(() => Notify(socket, "READY=1\nSTATUS=serving"));
            lifetime.ApplicationStopping.Register(() => Notify(socket, "STOPPING=1"));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends one datagram; '@' at the start names an abstract socket. False when it could not be sent.</summary>
    public static bool Notify(string socketPath, string message)
    {
        var path = socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(message));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
