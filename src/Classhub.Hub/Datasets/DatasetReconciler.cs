using Classhub.Core.Servers;
using Classhub.Hub.Changes;
using Classhub.Hub.Servers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Datasets;

/// <summary>
/// Keeps the datasets of running servers in line with the database: when a dataset is added or removed, or a student
/// joins or is dropped — in the hub (course page) or in the CLI (<see cref="ChangeWatcher"/> notices the commit) —
/// every running or starting server's tree is brought up to date. Sweeps never overlap; a change during a sweep
/// causes one more.
/// </summary>
internal sealed partial class DatasetReconciler(ChangeWatcher changes, ServerManager servers, SharedResources shared, ILogger<DatasetReconciler> logger)
    : IHostedService
{
    private CoalescingSweep? _sweep;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sweep = new CoalescingSweep(() => SweepAsync(), e => e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException, e => LogSweepFailed(logger, e.Message));
        changes.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        changes.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    /// <summary>Brings every running or starting server's datasets up to date; returns the users whose trees were updated.</summary>
    public Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken = default)
    {
        var users = servers.Entries.Where(e => e.Phase is ServerPhase.Running or ServerPhase.Starting).Select(e => e.UserName).ToList();
        return shared.UpdateAsync(users, cancellationToken);
    }

    private void OnChanged()
    {
        _sweep?.Trigger();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "updating the datasets of running servers failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
