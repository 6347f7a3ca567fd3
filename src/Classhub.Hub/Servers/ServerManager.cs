using System.Collections.Concurrent;
using Classhub.Core.Routing;
using Classhub.Core.Servers;
using Classhub.Hub.Accounts;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Hub.Metrics;
using Classhub.Storage.OAuth;
using Classhub.Storage.Servers;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Servers;

/// <summary>
/// Orchestrates each user's server: spawn → wait until its HTTP answers → route → persist, and the reverse on
/// stop. One start or stop per user at a time; starts run in the background and report progress.
/// </summary>
internal sealed partial class ServerManager(
    ISpawner spawner,
    IRouteTable routes,
    ServerStore servers,
    TokenStore tokens,
    OAuthStore oauth,
    HubOptions options,
    TimeProvider time,
    ReadinessProbe readiness,
    HubMetrics metrics,
    Datasets.SharedResources shared,
    AccountBinder accounts,
    ILogger<ServerManager> logger)
{
    private readonly ConcurrentDictionary<string, ServerEntry> _entries = new(StringComparer.Ordinal);

    public string SpawnerKind => spawner.Kind;

    public ServerEntry Entry(long userId, string userName) => _entries.GetOrAdd(userName, _ => new ServerEntry(userId, userName));

    public ServerEntry? Find(string userName) => _entries.TryGetValue(userName, out var e) ? e : null;

    public IEnumerable<ServerEntry> Entries => _entries.Values;

    /// <summary>Starts the user's server unless it is running or starting; returns the task that completes when it is ready or failed.</summary>
    public Task StartAsync(long userId, string userName)
    {
        var entry = Entry(userId, userName);
        lock (entry)
        {
            if (entry.Phase is ServerPhase.Running)
            {
                return Task.CompletedTask;
            }

            if (entry.Phase is ServerPhase.Starting or ServerPhase.Stopping && entry.Pending is { IsCompleted: false } pending)
            {
                return pending;
            }

            entry.Phase = ServerPhase.Starting;
            entry.StartedAt = null;
            entry.LastError = null;
            entry.StopRequested = new CancellationTokenSource();
            entry.Progress = new SpawnProgress();
            entry.AddressReport = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Progress.Add(new ProgressEvent(0, "Server requested"));
            entry.Pending = Task.Run(() => SpawnAsync(entry));
            return entry.Pending;
        }
    }

    /// <summary>
    /// Stops the user's server (idempotent); returns when it is stopped. <paramref name="error"/>, when set, is kept
    /// as the server's last error so the spawn page and the API show why it stopped (a job the scheduler ended).
    /// </summary>
    public Task StopAsync(string userName, string reason, string? error = null)
    {
        if (Find(userName) is not { } entry)
        {
            return Task.CompletedTask;
        }

        Task stopping;
        CancellationTokenSource pendingStart;
        lock (entry)
        {
            if (entry.Phase is ServerPhase.Stopped)
            {
                return Task.CompletedTask;
            }

            var previous = entry.Pending ?? Task.CompletedTask;
            entry.Phase = ServerPhase.Stopping;
            routes.Remove(userName);
            pendingStart = entry.StopRequested;
            entry.Pending = stopping = Task.Run(async () =>
            {
                await previous.ContinueWith(_ => { }, TaskScheduler.Default);
                await StopCoreAsync(entry, reason, error);
            });
        }

        // A start still pending gives up now rather than at its timeout; cancelled outside the lock, because
        // cancellation runs the start's continuations, which take the lock themselves.
        pendingStart.Cancel();
        return stopping;
    }

    /// <summary>
    /// A starting server's own report of where it listens (spawners that return no URL); false when the user has no
    /// server waiting for one. The caller has checked that the report comes with that server's token.
    /// </summary>
    public bool ReportAddress(string userName, Uri url) =>
        Find(userName) is { Phase: ServerPhase.Starting } entry && entry.AddressReport.TrySetResult(url);

    /// <summary>Records proxy traffic or an activity report (memory only; the culler writes it to the database).</summary>
    public void Touch(string userName, DateTimeOffset? when = null)
    {
        if (Find(userName) is { } entry)
        {
            var at = when ?? time.GetUtcNow();
            if (entry.LastActivity is null || entry.LastActivity < at)
            {
                entry.LastActivity = at;
                entry.ActivityDirty = true;
            }
        }
    }

    /// <summary>
    /// At start-up: re-attach to servers that kept running while the hub was down (each is "starting" until its HTTP
    /// answers, then routed and ready, as after a spawn; this returns before they answer); go on waiting for those still
    /// queued or starting (a cluster job reports its address itself; a local one still starting when the hub went down
    /// is waited for until it answers); mark the others stopped.
    /// </summary>
    public async Task ReattachAsync(CancellationToken cancellationToken)
    {
        foreach (var stored in servers.ListActive())
        {
            var entry = Entry(stored.UserId, stored.UserName);
            entry.LastActivity = stored.LastActivity;
            var status = stored.State is null ? ServerStatus.Stopped() : await spawner.PollAsync(stored.State, cancellationToken);
            if (status.Running && (stored.Url is null || stored.Phase == ServerPhase.Starting) && stored.State is { } waiting)
            {
                lock (entry)
                {
                    entry.Phase = ServerPhase.Starting;
                    entry.StopRequested = new CancellationTokenSource();
                    entry.State = waiting;
                    entry.StartedAt = stored.StartedAt;
                    entry.Progress.Add(new ProgressEvent(10, "Still starting your server (the hub restarted meanwhile)"));
                    entry.Pending = Task.Run(
                        () => StartGuardedAsync(entry, waiting, async _ =>
                        {
                            // The queue limit belonged to the spawn request: after a restart the wait in the queue has none (the student can stop it).
                            // A server still starting when the hub went down (it may not answer yet) is waited for like a new one.
                            LogResumed(logger, stored.UserName);
                            using var clock = new StartClock(options.StartTimeout, time, entry.StopRequested.Token);
                            entry.Url = stored.Url;
                            await BecomeReadyAsync(entry, waiting, stored.Url is null ? new PendingServer(waiting, QueueTimeout: null) : null, stored.Url, LogPath(stored.UserName), clock.Source);
                        }),
                        CancellationToken.None);
                }
            }
            else if (status.Running && stored.Url is { } url && stored.State is { } running)
            {
                // Its process is alive, but alive is not answering (it may be stopped, swapped out or wedged): it is
                // "starting" again, with no route, until its HTTP answers, as after a spawn.
                lock (entry)
                {
                    entry.Phase = ServerPhase.Starting;
                    entry.StopRequested = new CancellationTokenSource();
                    entry.Url = url;
                    entry.State = running;
                    entry.StartedAt = stored.StartedAt;
                    entry.Progress.Add(new ProgressEvent(10, "Your server kept running while the hub restarted"));
                    entry.Pending = Task.Run(
                        () => StartGuardedAsync(entry, running, async _ =>
                        {
                            using var clock = new StartClock(options.StartTimeout, time, entry.StopRequested.Token);
                            await BecomeReadyAsync(entry, running, null, url, LogPath(stored.UserName), clock.Source, reattached: true);
                        }),
                        CancellationToken.None);
                }
            }
            else
            {
                await StopCoreAsync(entry, "it was not running when the hub started");
            }
        }
    }

    /// <summary>Polls every running server; a server that died is marked stopped and its route removed.</summary>
    public async Task CheckRunningAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _entries.Values.Where(e => e.Phase == ServerPhase.Running && e.State is not null))
        {
            var status = await spawner.PollAsync(entry.State!, cancellationToken);
            if (!status.Running)
            {
                var why = status.Detail ?? $"exit code {status.ExitCode}";
                LogDied(logger, entry.UserName, why);
                await StopAsync(entry.UserName, "it exited", $"the server of {entry.UserName} stopped: {why}");
            }
        }
    }

    private Task SpawnAsync(ServerEntry entry) => StartGuardedAsync(entry, null, async setState =>
    {
        var name = entry.UserName;
        (string Name, uint Uid)? runAs = null;
        if (options.RunAsUnixUsers)
        {
            // Before anything is made for the server: an account classhub may not use ends the start here.
            var bound = await accounts.BindAsync(name, CancellationToken.None);
            if (!bound.Ok)
            {
                await FailAsync(entry, null, bound.Failure.UserMessage);
                return;
            }

            runAs = (bound.Value.Name, bound.Value.Uid);
        }

        var (token, _) = tokens.Create(entry.UserId, TokenKind.Server, Scopes.ForServer(name), "server", null, ServerEnvironment.ClientId(name));
        oauth.SaveClient(ServerEnvironment.ClientId(name), entry.UserId, token, ServerEnvironment.CallbackUrl(name, options), Scopes.AccessTo(name));
        Directory.CreateDirectory(options.LogDir);
        var environment = ServerEnvironment.For(name, token, options);
        var datasetRoot = await shared.PrepareAsync(name, environment, CancellationToken.None);
        var request = new SpawnRequest(
            name,
            runAs?.Name,
            options.ServerCommand,
            environment,
            LogPath(name),
            ResourceLimits.None)
        {
            DatasetRoot = datasetRoot,
            UnixUid = runAs?.Uid,
            // Recorded before the server runs: a hub killed from here on finds it at start-up (ReattachAsync).
            Placed = (placedState, placedUrl) =>
            {
                setState(placedState);
                servers.Save(entry.UserId, ServerPhase.Starting, placedUrl, spawner.Kind, placedState, time.GetUtcNow(), null);
                return Task.CompletedTask;
            },
        };

        entry.Progress.Add(new ProgressEvent(10, "Starting your server"));
        using var clock = new StartClock(options.StartTimeout, time, entry.StopRequested.Token);
        var result = await spawner.StartAsync(request, clock.Source.Token);
        if (result.Failure is { } failure)
        {
            await FailAsync(entry, null, failure.Message);
            return;
        }

        var state = result.Server?.State ?? result.Pending!.State;
        setState(state);
        entry.Url = result.Server?.Url;
        entry.State = state;
        entry.StartedAt = time.GetUtcNow();
        servers.Save(entry.UserId, ServerPhase.Starting, entry.Url, spawner.Kind, state, entry.StartedAt, null);
        await BecomeReadyAsync(entry, state, result.Pending, entry.Url, request.LogPath, clock.Source);
    });

    /// <summary>
    /// After the spawner placed the server, or queued it: a pending server (cluster job) has no address yet, so its own
    /// report is awaited first; then its first answer.
    /// </summary>
    /// <param name="reattached">A server that kept running while the hub restarted: its activity and start time stand, and it is no new spawn in the metrics.</param>
    private async Task BecomeReadyAsync(ServerEntry entry, string state, PendingServer? pending, Uri? url, string logPath, CancellationTokenSource timeout, bool reattached = false)
    {
        var name = entry.UserName;
        if (url is null)
        {
            var (reported, problem) = await AddressWait.WaitAsync(entry, pending!, spawner, options.StartTimeout, timeout, time);
            if (reported is null)
            {
                await FailAsync(entry, state, problem!);
                return;
            }

            url = reported;
            entry.Url = url;
            servers.Save(entry.UserId, ServerPhase.Starting, url, spawner.Kind, state, entry.StartedAt, null);
        }

        entry.Progress.Add(new ProgressEvent(50, "Server started, waiting for it to answer"));
        var wait = await readiness.WaitAsync(url, $"/user/{name}/api", () => spawner.PollAsync(state, CancellationToken.None), timeout.Token);
        if (wait is not null)
        {
            await FailAsync(entry, state, wait + LogTail(logPath));
            return;
        }

        lock (entry)
        {
            if (entry.Phase != ServerPhase.Starting)
            {
                return;
            }

            entry.Phase = ServerPhase.Running;
            if (!reattached || entry.LastActivity is null)
            {
                entry.LastActivity = time.GetUtcNow();
                entry.ActivityDirty = true;
            }

            routes.Set(name, url);
        }

        servers.Save(entry.UserId, ServerPhase.Running, url, spawner.Kind, state, entry.StartedAt, null);
        entry.Progress.Add(new ProgressEvent(100, "Server ready", Ready: true, Url: $"/user/{name}/"));
        if (reattached)
        {
            LogReattached(logger, name, url);
            return;
        }

        metrics.Spawned(success: true, time.GetUtcNow() - entry.StartedAt!.Value);
        LogStarted(logger, name, url);
    }

    /// <summary>Runs a start (or its resumption); a timeout or a crash becomes a failed start on the spawn page, never an unhandled exception.</summary>
    private async Task StartGuardedAsync(ServerEntry entry, string? knownState, Func<Action<string>, Task> start)
    {
        var state = knownState;
        try
        {
            await start(s => state = s);
        }
        catch (OperationCanceledException) when (entry.StopRequested.IsCancellationRequested)
        {
            // A stop was asked for meanwhile: it runs next (StopAsync queued it after this start) and stops what the
            // spawner started; the start just ends.
            LogStartGivenUp(logger, entry.UserName);
        }
        catch (OperationCanceledException)
        {
            await FailAsync(entry, state, $"the server did not start within {options.StartTimeout.TotalSeconds:0} seconds");
        }
#pragma warning disable CA1031 // a failing spawn must never take the hub down; it is reported on the spawn page
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogSpawnCrashed(logger, entry.UserName, e);
            await FailAsync(entry, state, "an internal error occurred; the administrator can find it in the hub's log");
        }
    }

    private string LogPath(string userName) => Path.Combine(options.LogDir, $"{userName}.log");

    private async Task FailAsync(ServerEntry entry, string? state, string reason)
    {
        // Spawners already say what they were doing ("starting server for alice: ..."); it is not said twice.
        var doing = $"starting server for {entry.UserName}";
        var message = reason.StartsWith(doing, StringComparison.Ordinal) ? reason : $"{doing}: {reason}";
        LogSpawnFailed(logger, message);
        metrics.Spawned(success: false, entry.StartedAt is { } started ? time.GetUtcNow() - started : TimeSpan.Zero);
        if (state is not null)
        {
            await spawner.StopAsync(state, options.StopGrace, CancellationToken.None);
        }

        await shared.ReleaseAsync(entry.UserName);
        Cleanup(entry);
        lock (entry)
        {
            entry.Phase = ServerPhase.Stopped;
            entry.LastError = message;
        }

        servers.Save(entry.UserId, ServerPhase.Stopped, null, spawner.Kind, null, null, message);
        entry.Progress.Add(new ProgressEvent(100, message, Failed: true));
    }

    private async Task StopCoreAsync(ServerEntry entry, string reason, string? error = null)
    {
        routes.Remove(entry.UserName);
        if (entry.State is { } state)
        {
            await spawner.StopAsync(state, options.StopGrace, CancellationToken.None);
        }
        else if (servers.Find(entry.UserId)?.State is { } stored)
        {
            await spawner.StopAsync(stored, options.StopGrace, CancellationToken.None);
        }

        await shared.ReleaseAsync(entry.UserName);

        Cleanup(entry);
        lock (entry)
        {
            entry.Phase = ServerPhase.Stopped;
            entry.Url = null;
            entry.State = null;
            entry.LastError = error;
        }

        servers.Save(entry.UserId, ServerPhase.Stopped, null, spawner.Kind, null, null, error);
        LogStopped(logger, entry.UserName, reason);
    }

    private void Cleanup(ServerEntry entry)
    {
        var clientId = ServerEnvironment.ClientId(entry.UserName);
        tokens.DeleteForClient(clientId);
        oauth.DeleteClient(clientId);
    }

    private static string LogTail(string path)
    {
        try
        {
            var lines = File.ReadLines(path).TakeLast(15).ToList();
            return lines.Count == 0 ? "" : "\n--- last lines of the server's log ---\n" + string.Join('\n', lines);
        }
        catch (IOException)
        {
            return "";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "start of the server of {User} given up: a stop was asked for")]
    private static partial void LogStartGivenUp(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "server for {User} is ready at {Url}")]
    private static partial void LogStarted(ILogger logger, string user, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "re-attached to the running server of {User} at {Url}")]
    private static partial void LogReattached(ILogger logger, string user, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "still waiting for the server of {User}, queued or starting while the hub was down")]
    private static partial void LogResumed(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "server for {User} stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string user, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "server for {User} is gone: {Reason}")]
    private static partial void LogDied(ILogger logger, string user, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogSpawnFailed(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "starting server for {User} failed with an internal error")]
    private static partial void LogSpawnCrashed(ILogger logger, string user, Exception exception);

    /// <summary>The start timeout's clock, which also runs out at once when a stop is asked for meanwhile.</summary>
    private sealed class StartClock : IDisposable
    {
        private readonly CancellationTokenRegistration _stop;

        public StartClock(TimeSpan timeout, TimeProvider time, CancellationToken stopRequested)
        {
            Source = new CancellationTokenSource(timeout, time);
            _stop = stopRequested.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), Source);
        }

        /// <summary>Cancelled at the timeout or on a stop; the address wait pushes its timeout out while a job is queued.</summary>
        public CancellationTokenSource Source { get; }

        public void Dispose()
        {
            _stop.Dispose();
            Source.Dispose();
        }
    }
}
