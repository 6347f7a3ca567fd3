using Classhub.Core.Servers;

namespace Classhub.Hub.Servers;

/// <summary>Waits until a new server answers HTTP (any status), noticing early if its process exits.</summary>
internal sealed class ReadinessProbe(TimeProvider time) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
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
                using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                return null;
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

    public void Dispose() => _client.Dispose();
}
