using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Classhub.Core.Servers;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.LocalProcess;

/// <summary>
/// Runs each server as a local process: as the Unix account the hub bound the user to when the hub is root (never
/// creating or choosing one itself: see <see cref="AccountCheck"/>), as the hub's own user otherwise (development
/// mode). See <see cref="LaunchCommand"/> for how it is started and <see cref="LocalProcessState"/> for how a later hub
/// process finds it again.
/// </summary>
internal sealed class LocalProcessSpawner : ISpawner
{
    private readonly LocalProcessSpawnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalProcessSpawner> _logger;
    private readonly PortPicker _ports;

    // Servers this instance started, by PID: they are our children, so only we can reap them and learn exit codes.
    private readonly ConcurrentDictionary<int, (ulong StartTime, Process Process)> _children = new();

    public LocalProcessSpawner(LocalProcessSpawnerOptions options, TimeProvider time, ILogger<LocalProcessSpawner> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _ports = new PortPicker(time);
    }

    public string Kind => "local-process";

    public Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken) =>
        SpawnAttempt.RunAsync(request, _logger, TryStartAsync, cancellationToken);

    private async Task<SpawnResult> TryStartAsync(SpawnRequest request, CancellationToken cancellationToken)
    {
        var doing = $"starting server for {request.UserName}";
        if (request.Environment.Keys.FirstOrDefault(IsUnsafeForRoot) is { } unsafeKey)
        {
            return SpawnResult.Failed("unsafe-environment", $"{doing}: the environment variable {unsafeKey} is not allowed; it would act on the launch helpers, which run as root");
        }

        UnixAccount? runAs = null;
        UnixAccount account;
        if (request.UnixUser is not null)
        {
            var (found, failure) = AccountCheck.Verify(request, _options.Accounts, doing);
            if (failure is not null)
            {
                return failure;
            }

            runAs = account = found!;
        }
        else
        {
            var uid = LibC.GetEUid();
            account = UnixAccounts.FindByUid(uid)
                ?? throw new InvalidOperationException($"the hub's own uid {uid} has no entry in the password database");
        }

        if (!Directory.Exists(account.Home))
        {
            return SpawnResult.Failed("home-missing", $"{doing}: home directory '{account.Home}' of Unix user '{account.Name}' does not exist; create it or recreate the account with useradd -m");
        }

        var program = request.Command[0];
        var programPath = ExecutableSearch.Find(program, _options.SearchPath);
        if (programPath is null)
        {
            return SpawnResult.Failed("program-not-found", $"{doing}: program '{program}' not found on PATH ({_options.SearchPath}){InstallHint(program)}");
        }

        if (ServerLog.Prepare(request.LogPath) is { } logProblem)
        {
            return SpawnResult.Failed("log-not-writable", $"{doing}: cannot write the server log '{request.LogPath}': {logProblem}");
        }

        if (request.Limits.Cpus is not null)
        {
            Log.CpuLimitIgnored(_logger, request.UserName);
        }

        var host = _options.ListenHost;
        var port = _ports.Pick(IPAddress.Parse(host));
        var listen = new[] { $"--ip={host}", FormattableString.Invariant($"--port={port}") };
        var held = request.Placed is not null;
        var argv = LaunchCommand.Build(_options, runAs, request.Limits, programPath, request.Command.Skip(1).Concat(listen), request.LogPath, request.DatasetRoot, held);
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            WorkingDirectory = account.Home,
            // Held: the launch waits for "go" on this pipe, whose writing end only this process has (close-on-exec).
            RedirectStandardInput = held,
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        SetEnvironment(info.Environment, request, account, host, port);

        cancellationToken.ThrowIfCancellationRequested();
        Process process;
        Descriptors.MarkInheritedCloseOnExec();
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Win32Exception e)
        {
            return SpawnResult.Failed("launch-failed", $"{doing}: could not run {argv[0]}: {e.Message}");
        }

        var pid = process.Id;
        var startTime = ProcStat.Read(pid, _options.ProcRoot)?.StartTime ?? 0;
        _children[pid] = (startTime, process);

        // setsid makes the server a session and group leader without forking (its parent, us, is not a group
        // leader of its own), so the process group id is the PID.
        var state = new LocalProcessState(pid, pid, startTime, host, port, request.UnixUser);
        var url = new Uri(FormattableString.Invariant($"http://{host}:{port}"));
        try
        {
            if (request.Placed is { } placed)
            {
                // Recorded first, released after: killed in between, the hub closes the pipe and the launch exits.
                await placed(state.Serialize(), url);
                await process.StandardInput.WriteLineAsync("go".AsMemory(), cancellationToken);
                process.StandardInput.Close();
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (_options.StartGrace > TimeSpan.Zero)
            {
                await Task.Delay(_options.StartGrace, _time, cancellationToken);
                if (process.HasExited)
                {
                    _children.TryRemove(pid, out _);
                    return SpawnResult.Failed("exited-early", $"{doing}: the server exited with code {process.ExitCode} at once; the end of its log '{request.LogPath}':\n{ServerLog.Tail(request.LogPath)}");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || held)
        {
            // The contract: cancelling a start (or failing to record it) leaves no half-started server behind.
            await StopAsync(state.Serialize(), TimeSpan.Zero, CancellationToken.None);
            throw;
        }

        Log.ServerStarted(_logger, request.UserName, account.Name, pid, port);
        return SpawnResult.Started(new SpawnedServer(url, state.Serialize()));
    }

    public Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken)
    {
        var s = LocalProcessState.Parse(state);
        // Our own child: .NET reaps it on SIGCHLD and records its exit code, so no /proc read is needed (the readiness
        // probe polls every starting server ten times a second). For the moment between its exit and .NET's reaping
        // it still counts as alive; the next poll sees the exit with its code.
        if (_children.TryGetValue(s.Pid, out var child) && child.StartTime == s.StartTime)
        {
            return Task.FromResult(child.Process.HasExited ? Exited(child.Process.ExitCode) : ServerStatus.Alive);
        }

        var stat = ProcStat.Read(s.Pid, _options.ProcRoot);
        var gone = stat is null || stat.StartTime != s.StartTime;
        if (!gone && !stat!.IsZombie)
        {
            return Task.FromResult(ServerStatus.Alive);
        }

        return Task.FromResult(ServerStatus.Stopped(null, gone ? $"process {s.Pid} is gone" : $"process {s.Pid} has exited"));
    }

    private static ServerStatus Exited(int code) => ServerStatus.Stopped(code, $"exited with code {code}");

    public async Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken)
    {
        var s = LocalProcessState.Parse(state);
        try
        {
            // Another process holding our PID means our group is gone: Linux does not reuse a number that is
            // still some group's id. With no process at that PID, any group with that id is what is left of ours.
            var leader = ProcStat.Read(s.Pid, _options.ProcRoot);
            if (leader is not null && leader.StartTime != s.StartTime)
            {
                return;
            }

            Log.Stopping(_logger, s.Pid, s.ProcessGroup, grace);
            if (!Signals.SendToGroup(s.ProcessGroup, LibC.SIGTERM))
            {
                return;
            }

            if (await WaitForGroupExitAsync(s.ProcessGroup, grace, cancellationToken))
            {
                return;
            }

            Log.Killing(_logger, s.ProcessGroup, grace);
            if (!Signals.SendToGroup(s.ProcessGroup, LibC.SIGKILL))
            {
                return;
            }

            if (!await WaitForGroupExitAsync(s.ProcessGroup, _options.KillWait, cancellationToken))
            {
                Log.StillAlive(_logger, s.ProcessGroup);
            }
        }
        finally
        {
            Forget(s);
        }
    }

    public Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var found = new List<string>();
        var program = ExecutableSearch.Find(_options.Program, _options.SearchPath);
        if (program is null)
        {
            problems.Add($"program '{_options.Program}' not found on PATH ({_options.SearchPath}){InstallHint(_options.Program)}");
        }
        else
        {
            found.Add($"{_options.Program} at {program}");
        }

        var tools = new List<string> { _options.SetsidPath, _options.ShellPath, _options.PrlimitPath };
        var root = UnixAccounts.IsRoot;
        if (root)
        {
            tools.Add(_options.SetprivPath);
            tools.Add(_options.UnsharePath);
            tools.Add(_options.HelperPath);
        }

        foreach (var tool in tools)
        {
            if (ExecutableSearch.IsExecutable(tool))
            {
                found.Add(tool);
            }
            else
            {
                problems.Add($"{tool} is missing (Debian: util-linux; {_options.HelperPath} is classhub itself)");
            }
        }

        var mode = root ? "root: servers run as their Unix users" : "not root: servers run as the hub's own user";
        var detail = problems.Count == 0
            ? $"{mode}; found {string.Join(", ", found)}"
            : $"{mode}; {string.Join("; ", problems)}";
        return Task.FromResult(new SpawnerHealth(problems.Count == 0, detail));
    }

    /// <summary>Exactly the request's environment plus the identity, locale and URL the server needs; ours wins.</summary>
    private void SetEnvironment(IDictionary<string, string?> environment, SpawnRequest request, UnixAccount account, string host, int port)
    {
        environment.Clear();
        foreach (var (key, value) in request.Environment)
        {
            environment[key] = value;
        }

        environment["HOME"] = account.Home;
        environment["USER"] = account.Name;
        environment["LOGNAME"] = account.Name;
        environment["SHELL"] = account.Shell.Length > 0 ? account.Shell : "/bin/sh";
        environment["PATH"] = _options.SearchPath;
        environment["LANG"] = "C.UTF-8";
        environment["JUPYTERHUB_SERVICE_URL"] = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}{request.ServicePrefix}");
    }

    // The environment passes through setsid, sh, unshare, classhub's own mount step (a .NET program), prlimit and
    // setpriv, which run as root before dropping to the user.
    private static bool IsUnsafeForRoot(string key) =>
        key.StartsWith("LD_", StringComparison.Ordinal) || key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.StartsWith("COMPlus_", StringComparison.Ordinal)
        || key is "BASH_ENV" or "ENV" or "SHELLOPTS" or "GCONV_PATH" or "IFS";

    private static string InstallHint(string program) => Path.GetFileName(program) switch
    {
        "jupyterhub-singleuser" => "; install Debian's jupyterhub package",
        "jupyter" or "jupyter-notebook" or "jupyter-lab" => "; install Debian's jupyter-notebook package",
        _ => "; install it or give its full path",
    };

    private void Forget(LocalProcessState s)
    {
        if (_children.TryGetValue(s.Pid, out var child) && child.StartTime == s.StartTime && _children.TryRemove(s.Pid, out _))
        {
            // Reap it if it is gone; a server that survived SIGKILL stays tracked by the runtime, not by us.
            if (child.Process.HasExited)
            {
                child.Process.Dispose();
            }
        }
    }

    private async Task<bool> WaitForGroupExitAsync(int pgid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            if (!ProcStat.GroupHasLiveMembers(pgid, _options.ProcRoot))
            {
                return true;
            }

            if (_time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(_options.StopPollInterval, _time, cancellationToken);
        }
    }
}
