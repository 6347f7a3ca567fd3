using System.Net;
using System.Net.Sockets;
using Classhub.Core.Servers;

namespace Classhub.Hub.Servers;

/// <summary>Waits until a new server answers HTTP (any status), noticing early if its process exits.</summary>
internal sealed class ReadinessProbe(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = ConnectTimeout,
    };

    /// <summary>Null when the server answered; otherwise why it is not ready. Throws OperationCanceledException on timeout.</summary>
    public async Task<string?> WaitAsync(Uri server, string path, Func<Task<ServerStatus>> poll, CancellationToken cancellationToken)
    {
        // Polled often: a refused connect on loopback costs microseconds, and every step of back-off beyond the
        // server's own start-up is time a student waits (at 500 ms steps it was ~10% of a jupyterhub-singleuser start).
        var delay = TimeSpan.FromMilliseconds(20);
        var url = new Uri(server, path);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // A refused connect reported as a value costs microseconds; the same refusal through HttpClient is an
                // exception unwound through a dozen async frames (0.6 s of hub CPU for a burst of 20 servers).
                if (await AcceptsConnectionsAsync(url, cancellationToken))
                {
                    using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    return null;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // this attempt timed out; try again
            }

            var status = await poll();
            if (!status.Running)
            {
                return status.ExitCode is { } code ? $"the server exited with code {code} before it was ready" : "the server exited before it was ready";
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>False if nothing listens at the URL's address yet; true when something does, or the host is a name.</summary>
    internal static async Task<bool> AcceptsConnectionsAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(url.IdnHost, out var address))
        {
            return true; // a node name (Slurm): let HttpClient resolve it
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connect = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(address, url.Port) };
        var done = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
        connect.Completed += (_, e) => done.TrySetResult(e.SocketError);
        if (!socket.ConnectAsync(connect))
        {
            done.TrySetResult(connect.SocketError);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        using var abort = timeout.Token.Register(socket.Dispose); // completes the connect with OperationAborted
        return await done.Task == SocketError.Success;
    }

    public void Dispose() => _client.Dispose();
}
