using Classhub.Core.Servers;
using Classhub.Hub.Changes;
using Classhub.Hub.Servers;
using Classhub.Storage.Courses;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Courses;

/// <summary>
/// Stops the servers of students who were dropped from every course they were in, whether the import ran in the hub
/// (course page) or in the CLI (another process: <see cref="ChangeWatcher"/> notices the commit). Files are never
/// touched: stopping a server only ends its processes.
/// </summary>
internal sealed partial class DroppedServerStopper(ChangeWatcher changes, CourseStore courses, ServerManager servers, ILogger<DroppedServerStopper> logger)
    : IHostedService
{
    public const string Reason = "dropped from the course";

    private CoalescingSweep? _sweep;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sweep = new CoalescingSweep(() => SweepAsync(), e => e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException, e => LogSweepFailed(logger, e.Message));
        changes.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        changes.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    /// <summary>Stops every running or starting server whose owner is dropped everywhere; returns their names.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync()
    {
        var candidates = servers.Entries.Where(e => e.Phase is not ServerPhase.Stopped).Select(e => e.UserName).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var dropped = courses.DroppedEverywhere();
        var stopped = candidates.Where(dropped.Contains).ToList();
        foreach (var name in stopped)
        {
            LogStopping(logger, name);
            await servers.StopAsync(name, Reason);
        }

        return stopped;
    }

    private void OnChanged()
    {
        _sweep?.Trigger();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping the server of {User}: dropped from every course they were in (their files are kept)")]
    private static partial void LogStopping(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "checking for servers of dropped students failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
