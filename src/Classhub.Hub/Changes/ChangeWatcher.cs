using Classhub.Storage.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Changes;

/// <summary>
/// Notices writes to the database by other processes (the CLI while the hub runs) through SQLite's
/// <c>PRAGMA data_version</c>, and raises <see cref="Changed"/> so in-memory caches are dropped.
/// The hub's own writes call <see cref="NotifyLocalChange"/>.
/// </summary>
internal sealed partial class ChangeWatcher(HubDatabase database, TimeProvider time, ILogger<ChangeWatcher> logger) : BackgroundService
{
    public event Action? Changed;

    public void NotifyLocalChange() => Changed?.Invoke();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // data_version only changes for commits made by *other* connections, so one connection must stay open.
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        var last = (long)(command.ExecuteScalar() ?? 0L);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = (long)(command.ExecuteScalar() ?? 0L);
                if (now != last)
                {
                    last = now;
                    Changed?.Invoke();
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                LogPollFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching the database for changes failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}
