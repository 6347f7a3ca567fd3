using System.IO.Pipelines;
using System.Net.Sockets;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Copies a WebSocket's bytes between the browser's pipe and the user's server's socket, one loop per direction, with
/// no buffer of its own: the server's bytes are received straight into the browser pipe's memory, after a zero-byte
/// receive has said they are there, and the browser's bytes are sent from the pipe's segments; no cancellation source,
/// no copy, nothing allocated per message. Contract: returns when the server's side has ended (it closed, or either
/// side failed). A browser that closes first half-closes the server's socket, so the server's last frames (its close
/// frame) still reach the browser; a browser that goes away (reset, abort) ends the server's socket at once; so does
/// <paramref name="stopping"/> (the hub shutting down: Kestrel asks every connection to close and would otherwise wait
/// its whole shutdown timeout for open WebSockets, which JupyterLab simply reopens once the hub is back). The caller
/// owns both ends and closes them afterwards.
/// </summary>
internal static class WebSocketRelay
{
    internal const int BufferSize = 4096;

    public static async Task RunAsync(IDuplexPipe browser, Socket server, CancellationToken stopping)
    {
        using var stop = stopping.UnsafeRegister(static server => EndServer((Socket)server!), server);
        var up = BrowserToServerAsync(browser.Input, server);
        try
        {
            while (true)
            {
                // No token per call (a registration per receive): stopping ends the socket itself, once.
                _ = await server.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, CancellationToken.None);
                var read = await server.ReceiveAsync(browser.Output.GetMemory(BufferSize), SocketFlags.None, CancellationToken.None);
                if (read == 0)
                {
                    break;
                }

                browser.Output.Advance(read);
                var flushed = await browser.Output.FlushAsync(CancellationToken.None);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
        }

        browser.Input.CancelPendingRead(); // the server's side has ended: nothing more can reach the browser
        await up;
    }

    private static async Task BrowserToServerAsync(PipeReader input, Socket server)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled)
                {
                    return;
                }

                foreach (var segment in result.Buffer)
                {
                    await WebSocketHandshake.SendAllAsync(server, segment, CancellationToken.None);
                }

                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    server.Shutdown(SocketShutdown.Send);
                    return;
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            EndServer(server);
        }
    }

    /// <summary>Ends both directions of the server's socket, which wakes the loop waiting on it.</summary>
    private static void EndServer(Socket server)
    {
        try
        {
            server.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The server's side is already gone.
        }
    }

    internal static bool IsConnectionEnd(Exception e) => e is IOException or SocketException or OperationCanceledException or ObjectDisposedException;
}
