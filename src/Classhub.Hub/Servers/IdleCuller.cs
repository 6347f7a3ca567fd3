using Classhub.Core.Servers;
using Classhub.Hub.Hosting;
using Classhub.Storage.Servers;
using Classhub.Storage.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Servers;

/// <summary>
/// Every <see cref="HubOptions.CullInterval"/>: writes activity to the database, notices servers that died, and
/// stops servers idle (no proxy traffic and no activity report) for longer than <see cref="HubOptions.IdleTimeout"/>.
/// </summary>
internal sealed partial class IdleCuller(ServerManager manager, ServerStore servers, UserStore users, HubOptions options, TimeProvider time, ILogger<IdleCuller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CullInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
#pragma warning disable CA1031 // one bad tick must not end culling for the life of the hub
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogTickFailed(logger, e);
            }
        }
    }

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        FlushActivity();
        await manager.CheckRunningAsync(cancellationToken);
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var entry in manager.Entries.Where(e => e.Phase == ServerPhase.Running))
        {
            var last = entry.LastActivity ?? entry.StartedAt ?? now;
            if (now - last >= options.IdleTimeout)
            {
                LogCulling(logger, entry.UserName, (now - last).TotalMinutes);
                await manager.StopAsync(entry.UserName, "idle");
            }
        }
    }

    private void FlushActivity()
    {
        foreach (var entry in manager.Entries.Where(e => e.ActivityDirty && e.LastActivity is not null))
        {
            entry.ActivityDirty = false;
            servers.TouchActivity(entry.UserId, entry.LastActivity!.Value);
            users.TouchActivity(entry.UserId, entry.LastActivity!.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping the server of {User}: idle for {Minutes:0.0} minutes")]
    private static partial void LogCulling(ILogger logger, string user, double minutes);

    [LoggerMessage(Level = LogLevel.Error, Message = "idle culling tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
