using Classhub.Hub.Servers;
using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Hosting;

/// <summary>Start-up step: re-attach to servers that kept running while the hub was down.</summary>
internal sealed class HubStartup(ServerManager servers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => servers.ReattachAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
