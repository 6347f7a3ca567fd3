using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Accounts;

/// <summary>Start-up step: adopt what an older classhub made, and make every home classhub made private (<see cref="AccountBinder.ReviewAsync"/>).</summary>
internal sealed class AccountStartup(AccountBinder accounts) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => accounts.ReviewAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
