using System.Globalization;
using System.Net;
using Classhub.Core.Servers;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Systemd;

/// <summary>
/// Runs each server as a transient systemd service <c>classhub-server-&lt;user&gt;.service</c> (see
/// <see cref="SystemdRunCommand"/>): as the Unix account the hub bound the user to (checked by <see cref="AccountCheck"/>,
/// never created or chosen here), with MemoryMax/CPUQuota/TasksMax from the limits and the datasets mounted by
/// descriptor in the unit's own mount namespace. Units belong to PID 1, so they
/// survive a hub restart and show in <c>systemctl</c>; <see cref="SystemdState"/> needs only the unit name.
/// Needs root and systemd as PID 1.
/// </summary>
internal sealed class SystemdSpawner : ISpawner
{
    private readonly SystemdSpawnerOptions _options;
    private readonly IProcessRunner _runner;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdSpawner> _logger;
    private readonly PortPicker _ports;

    public SystemdSpawner(SystemdSpawnerOptions options, IProcessRunner runner, TimeProvider time, ILogger<SystemdSpawner> logger)
    {
        _options = options;
        _runner = runner;
        _time = time;
        _logger = logger;
        _ports = new PortPicker(time);
    }

    public string Kind => "systemd";

    /// <summary>True when systemd is the init system (the test of sd_booted(3)).</summary>
    public static bool IsSystemdRunning(string runtimeDir = "/run/systemd/system") => Directory.Exists(runtimeDir);

    public Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken) =>
        SpawnAttempt.RunAsync(request, _logger, TryStartAsync, cancellationToken);

    private async Task<SpawnResult> TryStartAsync(SpawnRequest request, CancellationToken cancellationToken)
    {
        var doing = $"starting server for {request.UserName}";
        if (request.UnixUser is null)
        {
            return SpawnResult.Failed("unix-user-required", $"{doing}: the systemd spawner runs servers as Unix users only; run the hub as root, or use the local-process spawner (spawner.kind = \"local-process\")");
        }

        var (found, accountFailure) = AccountCheck.Verify(request, _options.Accounts, doing);
        if (accountFailure is not null)
        {
            return accountFailure;
        }

        var account = found!;
        if (!Directory.Exists(account.Home))
        {
            return SpawnResult.Failed("home-missing", $"{doing}: home directory '{account.Home}' of Unix user '{account.Name}' does not exist; create it or recreate the account with useradd -m");
        }

        if (request.DatasetRoot is { } root && new[] { _options.HelperPath, root, account.Home }.Select(SystemdRunCommand.ExecWordProblem).FirstOrDefault(p => p is not null) is { } wordProblem)
        {
            return SpawnResult.Failed("unusual-path", $"{doing}: cannot put the datasets in place: {wordProblem}");
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

        var host = _options.ListenHost;
        var port = _ports.Pick(IPAddress.Parse(host));
        var environment = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal)
        {
            // What User= would set; with a dataset root the unit has none (the chain drops to the account itself).
            ["HOME"] = account.Home,
            ["USER"] = account.Name,
            ["LOGNAME"] = account.Name,
            ["SHELL"] = account.Shell.Length > 0 ? account.Shell : "/bin/sh",
            ["PATH"] = _options.SearchPath,
            ["LANG"] = "C.UTF-8",
            ["JUPYTERHUB_SERVICE_URL"] = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}{request.ServicePrefix}"),
        };
        var envText = EnvironmentFile.Format(environment, out var envProblem);
        if (envText is null)
        {
            return SpawnResult.Failed("unsafe-environment", $"{doing}: {envProblem}");
        }

        var unit = SystemdUnitName.For(_options.UnitPrefix, request.UserName);
        var envPath = Path.Combine(_options.EnvironmentDir, $"{request.UserName}.env");

        // One server per user: a unit of that name still loaded (a hub that lost its database, a failed unit)
        // is replaced, never shared.
        await ClearLeftoverAsync(unit, cancellationToken);

        EnvironmentFile.Write(envPath, envText);
        var limits = SystemdRunCommand.Merge(request.Limits, _options.DefaultLimits);
        var listen = new[] { $"--ip={host}", string.Create(CultureInfo.InvariantCulture, $"--port={port}") };
        var steps = new LaunchCommand.RootSteps(_options.HelperPath, _options.SetprivPath);
        var argv = SystemdRunCommand.Build(unit, request.UserName, account, limits, request.DatasetRoot, steps, envPath, request.LogPath, programPath, request.Command.Skip(1).Concat(listen));

        var state = new SystemdState(unit, host, port, account.Name);
        ProcessResult run;
        try
        {
            run = await _runner.RunAsync(_options.SystemdRunPath, argv, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The contract: cancelling a start leaves no half-started server behind.
            await StopAsync(state.Serialize(), TimeSpan.Zero, CancellationToken.None);
            throw;
        }

        if (!run.Succeeded)
        {
            await ResetFailedAsync(unit);
            EnvironmentFile.Delete(envPath);
            return SpawnResult.Failed("systemd-run-failed", $"{doing}: systemd-run could not start unit {unit} (exit code {run.ExitCode}): {run.StandardError.Trim()}; see 'journalctl -u {unit}' and the server log '{request.LogPath}'");
        }

        Log.ServerStarted(_logger, request.UserName, account.Name, unit, port);
        return SpawnResult.Started(new SpawnedServer(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}")), state.Serialize()));
    }

    public async Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken)
    {
        var s = SystemdState.Parse(state);
        var status = await ShowAsync(s.Unit, cancellationToken);
        if (status is null)
        {
            // systemd did not answer: it is far likelier that the unit still runs than that it vanished, and
            // saying Stopped would make the hub stop a student's working server.
            return new ServerStatus(true, null, $"state of {s.Unit} unknown: systemctl failed");
        }

        if (status.IsAlive)
        {
            return ServerStatus.Alive;
        }

        if (status.LoadState == "not-found")
        {
            return ServerStatus.Stopped(null, $"unit {s.Unit} is gone");
        }

        return ServerStatus.Stopped(status.ExecMainStatus, $"unit {s.Unit} is {status.ActiveState} ({status.SubState}), exit status {status.ExecMainStatus?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
    }

    public async Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken)
    {
        var s = SystemdState.Parse(state);
        var envPath = Path.Combine(_options.EnvironmentDir, $"{UserOf(s.Unit)}.env");
        try
        {
            var current = await ShowAsync(s.Unit, cancellationToken);
            if (current is { IsAlive: true })
            {
                Log.Stopping(_logger, s.Unit, grace);

                // --no-block: systemd sends SIGTERM to the unit's cgroup now; the grace is ours to time, not the unit's TimeoutStopSec.
                await SystemctlAsync(["stop", "--no-block", s.Unit], cancellationToken);
                if (!await WaitUntilStoppedAsync(s.Unit, grace, cancellationToken))
                {
                    Log.Killing(_logger, s.Unit, grace);
                    await SystemctlAsync(["kill", "--signal=SIGKILL", s.Unit], cancellationToken);
                    if (!await WaitUntilStoppedAsync(s.Unit, _options.KillWait, cancellationToken))
                    {
                        Log.StillAlive(_logger, s.Unit);
                    }
                }
            }
        }
        finally
        {
            await ResetFailedAsync(s.Unit);
            EnvironmentFile.Delete(envPath);
        }
    }

    public Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var found = new List<string>();
        if (!IsSystemdRunning(_options.SystemdRuntimeDir))
        {
            problems.Add($"systemd is not the init system ({_options.SystemdRuntimeDir} is missing); use the local-process spawner");
        }

        if (!UnixAccounts.IsRoot)
        {
            problems.Add("the hub is not root; transient units for other users need root");
        }

        var program = ExecutableSearch.Find(_options.Program, _options.SearchPath);
        if (program is null)
        {
            problems.Add($"program '{_options.Program}' not found on PATH ({_options.SearchPath}){InstallHint(_options.Program)}");
        }
        else
        {
            found.Add($"{_options.Program} at {program}");
        }

        var tools = new List<string> { _options.SystemdRunPath, _options.SystemctlPath, _options.HelperPath, _options.SetprivPath };

        foreach (var tool in tools)
        {
            if (ExecutableSearch.IsExecutable(tool))
            {
                found.Add(tool);
            }
            else
            {
                problems.Add($"{tool} is missing (Debian: systemd, util-linux; {_options.HelperPath} is classhub itself)");
            }
        }

        var detail = problems.Count == 0
            ? $"servers run as transient units {_options.UnitPrefix}<user>.service; found {string.Join(", ", found)}"
            : string.Join("; ", problems);
        return Task.FromResult(new SpawnerHealth(problems.Count == 0, detail));
    }

    private async Task ClearLeftoverAsync(string unit, CancellationToken cancellationToken)
    {
        var current = await ShowAsync(unit, cancellationToken);
        if (current is null || current.LoadState is "not-found" or "")
        {
            return;
        }

        Log.ReplacingLeftover(_logger, unit, current.ActiveState);
        if (current.IsAlive)
        {
            await SystemctlAsync(["stop", unit], cancellationToken);
        }

        await ResetFailedAsync(unit);
    }

    /// <summary>The unit's status, or null when systemctl itself failed.</summary>
    private async Task<UnitStatus?> ShowAsync(string unit, CancellationToken cancellationToken)
    {
        var args = new List<string> { "show", unit };
        args.AddRange(UnitStatus.Properties.Select(p => $"--property={p}"));
        var result = await _runner.RunAsync(_options.SystemctlPath, args, cancellationToken);
        if (!result.Succeeded)
        {
            Log.PollFailed(_logger, unit, result.ExitCode, result.StandardError.Trim());
            return null;
        }

        return UnitStatus.Parse(result.StandardOutput);
    }

    private async Task<bool> WaitUntilStoppedAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var status = await ShowAsync(unit, cancellationToken);
            if (status is { IsAlive: false })
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

    private Task<ProcessResult> SystemctlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        _runner.RunAsync(_options.SystemctlPath, args, cancellationToken);

    // A unit that is not loaded or not failed makes reset-failed exit non-zero; that is the state we want anyway.
    private Task ResetFailedAsync(string unit) => SystemctlAsync(["reset-failed", unit], CancellationToken.None);

    private string UserOf(string unit) =>
        unit.StartsWith(_options.UnitPrefix, StringComparison.Ordinal) ? unit[_options.UnitPrefix.Length..^".service".Length] : unit;

    private static string InstallHint(string program) => Path.GetFileName(program) switch
    {
        "jupyterhub-singleuser" => "; install Debian's jupyterhub package",
        "jupyter" or "jupyter-notebook" or "jupyter-lab" => "; install Debian's jupyter-notebook package",
        _ => "; install it or give its full path",
    };
}
