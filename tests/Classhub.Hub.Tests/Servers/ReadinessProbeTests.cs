using System.Net;
using System.Net.Sockets;
using Classhub.Core.Servers;
using Classhub.Hub.Servers;

namespace Classhub.Hub.Servers.Tests;

/// <summary>Counts first-chance exceptions, which are process-wide: runs alone.</summary>
[CollectionDefinition(nameof(ReadinessProbeTests), DisableParallelization = true)]
public sealed class ReadinessProbeCollection;

[Collection(nameof(ReadinessProbeTests))]
public sealed class ReadinessProbeTests
{
    [Fact]
    public async Task AcceptsConnections_NothingListening_False_Listening_True()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/user/x/api");
        Assert.True(await ReadinessProbe.AcceptsConnectionsAsync(url, CancellationToken.None));

        listener.Stop();
        Assert.False(await ReadinessProbe.AcceptsConnectionsAsync(url, CancellationToken.None));
    }

    [Fact]
    public async Task AcceptsConnections_HostName_LeftToHttp()
    {
        Assert.True(await ReadinessProbe.AcceptsConnectionsAsync(new Uri("http://node12.cluster.invalid:8888/"), CancellationToken.None));
    }

    [Fact]
    public async Task Wait_ServerStartsListeningLater_ReadyWithoutExceptions()
    {
        using var portHolder = new TcpListener(IPAddress.Loopback, 0);
        portHolder.Start();
        var port = ((IPEndPoint)portHolder.LocalEndpoint).Port;
        portHolder.Stop();

        var firstChance = 0;
        EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> count = (_, e) =>
        {
            if (e.Exception is HttpRequestException or SocketException)
            {
                Interlocked.Increment(ref firstChance);
            }
        };
        using var probe = new ReadinessProbe(TimeProvider.System);
        var polls = 0;
        AppDomain.CurrentDomain.FirstChanceException += count;
        try
        {
            var waiting = probe.WaitAsync(new Uri($"http://127.0.0.1:{port}/"), "user/x/api", () => { polls++; return Task.FromResult(new ServerStatus(true, null, null)); }, CancellationToken.None);
            await Task.Delay(400);
            Assert.False(waiting.IsCompleted);

            // A stand-in server that cannot throw either (HttpListener throws inside when the probe's bare connect
            // closes without a request, which this test would count): plain sockets, error codes as values.
            var server = new TcpListener(IPAddress.Loopback, port);
            server.Start();
            var answer = Task.Run(() =>
            {
                var buffer = new byte[4096];
                var reply = "HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
                while (true)
                {
                    using var client = server.AcceptSocket();
                    var read = client.Receive(buffer, 0, buffer.Length, SocketFlags.None, out var error);
                    if (error == SocketError.Success && read > 0)
                    {
                        client.Send(reply, 0, reply.Length, SocketFlags.None, out _); // any answer means the server is up
                        return;
                    }
                }
            });

            Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
            await answer;
            server.Stop();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= count;
        }

        Assert.True(polls >= 3, $"polled {polls} times while nothing listened");
        Assert.Equal(0, firstChance);
    }
}
