using Classhub.Core.Servers;
using Classhub.Spawning.Systemd;
using Classhub.Spawning.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Systemd;

public sealed class SystemdSpawnerTests : IDisposable
{
    private const string Secret = "s3cret-token-0123456789abcdef";
    private const string Active = "LoadState=loaded\nActiveState=active\nSubState=running\nExecMainStatus=0\nMainPID=4242\nResult=success\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("systemd-spawner-").FullName;
    private readonly TestUnixUser _user = new();
    private readonly RecordingProcessRunner _runner = new();
    private readonly Classhub.Spawning.Unix.UnixAccount _account;

    public SystemdSpawnerTests()
    {
        _account = _user.Create();
    }

    public void Dispose()
    {
        _user.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private SystemdSpawner Spawner(SystemdSpawnerOptions? options = null) => new(
        (options ?? new SystemdSpawnerOptions()) with { Program = "/bin/sh", EnvironmentDir = Path.Combine(_dir, "env"), StopPollInterval = TimeSpan.FromMilliseconds(1), KillWait = TimeSpan.FromMilliseconds(20) },
        _runner,
        TimeProvider.System,
        NullLogger<SystemdSpawner>.Instance);

    private SpawnRequest Request(ResourceLimits? limits = null) => new(
        _user.Name,
        _user.Name,
        ["/bin/sh", "-c", "exec sleep 60"],
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUPYTERHUB_API_TOKEN"] = Secret,
            ["JUPYTERHUB_OAUTH_SCOPES"] = "[\"access:servers!user=x\"]",
            ["JUPYTERHUB_HOST"] = "",
        },
        Path.Combine(_dir, "logs", $"{_user.Name}.log"),
        limits ?? ResourceLimits.None) { UnixUid = _account.Uid };

    [Fact]
    public async Task Start_RunsTransientUnitAsTheBoundAccount_NoSecretInAnyArgument()
    {
        var result = await Spawner().StartAsync(Request(), CancellationToken.None);

        Assert.Null(result.Failure);
        var run = Assert.Single(_runner.CallsTo("systemd-run"));
        Assert.Contains($"--unit=classhub-server-{_user.Name}.service", run);
        Assert.Contains($"--property=User={_user.Name}", run);
        Assert.Contains("--property=WorkingDirectory=~", run);
        Assert.Contains($"--property=EnvironmentFile={Path.Combine(_dir, "env", _user.Name + ".env")}", run);
        Assert.Contains($"--property=StandardOutput=append:{Path.Combine(_dir, "logs", _user.Name + ".log")}", run);
        Assert.Equal(["--", "/bin/sh", "-c", "exec sleep 60"], run.SkipWhile(a => a != "--").Take(4));
        Assert.Matches("^--port=[0-9]+$", run[^1]);
        foreach (var (file, args) in _runner.Calls)
        {
            Assert.DoesNotContain(args, a => a.Contains(Secret, StringComparison.Ordinal) || a.Contains("JUPYTERHUB_API_TOKEN", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(run, a => a.StartsWith("--property=BindReadOnlyPaths=", StringComparison.Ordinal) || a.Contains("mount-datasets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_EnvironmentFile_Mode0600_HoldsSecretAndServiceUrl()
    {
        var result = await Spawner().StartAsync(Request(), CancellationToken.None);

        var path = Path.Combine(_dir, "env", _user.Name + ".env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        var lines = File.ReadAllLines(path);
        Assert.Contains($"JUPYTERHUB_API_TOKEN='{Secret}'", lines);
        Assert.Contains("JUPYTERHUB_OAUTH_SCOPES='[\"access:servers!user=x\"]'", lines);
        Assert.Contains("JUPYTERHUB_HOST=''", lines);
        Assert.Contains($"JUPYTERHUB_SERVICE_URL='http://127.0.0.1:{result.Server!.Url.Port}/user/{_user.Name}/'", lines);
    }

    [Fact]
    public async Task Start_Limits_MapToUnitProperties()
    {
        await Spawner().StartAsync(Request(new ResourceLimits(MemoryBytes: 512L << 20, Cpus: 1.5, Tasks: 64, OpenFiles: 1024)), CancellationToken.None);

        var run = Assert.Single(_runner.CallsTo("systemd-run"));
        Assert.Contains("--property=MemoryMax=536870912", run);
        Assert.Contains("--property=MemorySwapMax=0", run);
        Assert.Contains("--property=CPUQuota=150%", run);
        Assert.Contains("--property=TasksMax=64", run);
        Assert.Contains("--property=LimitNOFILE=1024", run);
    }

    [Fact]
    public async Task Start_NoLimitsInRequest_UsesDefaults()
    {
        await Spawner(new SystemdSpawnerOptions { DefaultLimits = new ResourceLimits(MemoryBytes: 1L << 30, Tasks: 100) }).StartAsync(Request(), CancellationToken.None);

        var run = Assert.Single(_runner.CallsTo("systemd-run"));
        Assert.Contains("--property=MemoryMax=1073741824", run);
        Assert.Contains("--property=TasksMax=100", run);
        Assert.DoesNotContain(run, a => a.StartsWith("--property=CPUQuota=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_HubDatasetRoot_UnitRunsTheDescriptorStepThenSetprivInItsOwnNamespace_NeverBindsByPath()
    {
        await Spawner(new SystemdSpawnerOptions { HelperPath = "/usr/bin/classhub" }).StartAsync(Request() with { DatasetRoot = "/run/classhub/datasets/x" }, CancellationToken.None);

        var run = Assert.Single(_runner.CallsTo("systemd-run"));
        Assert.Contains("--property=PrivateMounts=yes", run);
        Assert.Contains($"--property=WorkingDirectory=/home/{_user.Name}", run);
        Assert.Equal(
            [
                "--", "/usr/bin/classhub", "internal", "mount-datasets", "/run/classhub/datasets/x", $"/home/{_user.Name}", $"{_account.Uid}", $"{_account.Gid}", "--",
                "/usr/bin/setpriv", $"--reuid={_account.Uid}", $"--regid={_account.Gid}", $"--groups={string.Join(',', _account.Groups)}", "--", "/bin/sh",
            ],
            run.SkipWhile(a => a != "--").Take(15));
        Assert.DoesNotContain(run, a => a.StartsWith("--property=User=", StringComparison.Ordinal) || a.Contains("BindReadOnlyPaths", StringComparison.Ordinal) || a.Contains("BindPaths", StringComparison.Ordinal) || a.Contains("ExecStartPre", StringComparison.Ordinal));
        var environment = File.ReadAllLines(Path.Combine(_dir, "env", _user.Name + ".env"));
        Assert.Contains($"HOME='/home/{_user.Name}'", environment);
        Assert.Contains($"USER='{_user.Name}'", environment);
    }

    [Fact]
    public async Task Start_DatasetRootWithCharactersSystemdWouldExpand_RefusedBeforeAnythingRuns()
    {
        var result = await Spawner().StartAsync(Request() with { DatasetRoot = "/run/classhub/datasets/$HOME" }, CancellationToken.None);

        Assert.Equal("unusual-path", result.Failure!.Reason);
        Assert.Empty(_runner.CallsTo("systemd-run"));
    }

    [Fact]
    public async Task Start_AccountInSudoGroup_RefusedBeforeAnythingRuns()
    {
        Assert.True((await new Classhub.Spawning.Processes.ProcessRunner().RunAsync("/usr/sbin/usermod", ["-aG", "sudo", _user.Name], CancellationToken.None)).Succeeded);

        var result = await Spawner().StartAsync(Request(), CancellationToken.None);

        Assert.Equal("unix-user-privileged", result.Failure!.Reason);
        Assert.Empty(_runner.Calls);
    }

    [Fact]
    public async Task Start_SystemdRunFails_FailureWithItsMessage_EnvironmentFileRemoved()
    {
        _runner.SystemdRunResult = new(1, "", "Job failed. See \"journalctl -xe\" for details.");

        var result = await Spawner().StartAsync(Request(), CancellationToken.None);

        Assert.Equal("systemd-run-failed", result.Failure?.Reason);
        Assert.StartsWith($"starting server for {_user.Name}: systemd-run could not start unit", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("journalctl -xe", result.Failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "env", _user.Name + ".env")));
    }

    [Fact]
    public async Task Start_LeftoverUnitLoaded_StoppedAndResetBeforeRun()
    {
        _runner.ShowOutput = "LoadState=loaded\nActiveState=failed\nSubState=failed\nExecMainStatus=1\nMainPID=0\n";

        await Spawner().StartAsync(Request(), CancellationToken.None);

        var systemctl = _runner.CallsTo("systemctl").Select(a => a[0]).ToList();
        Assert.Contains("reset-failed", systemctl);
        var calls = _runner.Calls.Select(c => Path.GetFileName(c.FileName) + " " + c.Arguments[0]).ToList();
        Assert.True(calls.IndexOf("systemctl reset-failed") < calls.IndexOf("systemd-run --quiet"));
    }

    [Fact]
    public async Task Start_NoUnixUser_FailsWithFix()
    {
        var result = await Spawner().StartAsync(Request() with { UnixUser = null }, CancellationToken.None);

        Assert.Equal("unix-user-required", result.Failure?.Reason);
        Assert.Empty(_runner.CallsTo("systemd-run"));
    }

    [Fact]
    public async Task Start_ValueWithNewline_RefusedBeforeAnythingRuns()
    {
        var request = Request();
        request = request with { Environment = new Dictionary<string, string>(request.Environment) { ["BAD"] = "a\nb" } };

        var result = await Spawner().StartAsync(request, CancellationToken.None);

        Assert.Equal("unsafe-environment", result.Failure?.Reason);
        Assert.Empty(_runner.CallsTo("systemd-run"));
    }

    [Fact]
    public async Task Poll_FromSavedStateAlone_ParsesSystemctlShow()
    {
        var state = new SystemdState($"classhub-server-{_user.Name}.service", "127.0.0.1", 4000, _user.Name).Serialize();
        var spawner = Spawner();

        _runner.ShowOutput = Active;
        Assert.True((await spawner.PollAsync(state, CancellationToken.None)).Running);

        _runner.ShowOutput = "LoadState=loaded\nActiveState=failed\nSubState=failed\nExecMainStatus=3\nMainPID=0\n";
        var failed = await spawner.PollAsync(state, CancellationToken.None);
        Assert.False(failed.Running);
        Assert.Equal(3, failed.ExitCode);

        _runner.ShowOutput = "LoadState=not-found\nActiveState=inactive\nSubState=dead\nExecMainStatus=0\nMainPID=0\n";
        var gone = await spawner.PollAsync(state, CancellationToken.None);
        Assert.False(gone.Running);
        Assert.Contains("gone", gone.Detail, StringComparison.Ordinal);

        var show = _runner.CallsTo("systemctl").First();
        Assert.Equal(["show", $"classhub-server-{_user.Name}.service"], show.Take(2));
        Assert.Contains("--property=ActiveState", show);
    }

    [Fact]
    public async Task Poll_SystemctlFails_AssumesStillRunning()
    {
        _runner.ShowExitCode = 1;
        var state = new SystemdState("classhub-server-alice.service", "127.0.0.1", 4000, "alice").Serialize();

        var status = await Spawner().PollAsync(state, CancellationToken.None);

        Assert.True(status.Running);
    }

    [Fact]
    public async Task Stop_ActiveUnit_StopsThenResetsFailed_RemovesEnvironmentFile()
    {
        var spawner = Spawner();
        var started = await spawner.StartAsync(Request(), CancellationToken.None);
        _runner.ShowOutput = Active;
        _runner.OnSystemctl = args =>
        {
            if (args[0] == "stop")
            {
                _runner.ShowOutput = "LoadState=loaded\nActiveState=inactive\nSubState=dead\nExecMainStatus=0\nMainPID=0\n";
            }
        };

        await spawner.StopAsync(started.Server!.State, TimeSpan.FromSeconds(5), CancellationToken.None);

        var verbs = _runner.CallsTo("systemctl").Select(a => a[0]).ToList();
        Assert.Contains("stop", verbs);
        Assert.DoesNotContain("kill", verbs);
        Assert.Equal("reset-failed", verbs[^1]);
        Assert.False(File.Exists(Path.Combine(_dir, "env", _user.Name + ".env")));
    }

    [Fact]
    public async Task Stop_UnitIgnoresTerm_KilledAfterGrace()
    {
        _runner.ShowOutput = Active;
        var state = new SystemdState("classhub-server-alice.service", "127.0.0.1", 4000, "alice").Serialize();

        await Spawner().StopAsync(state, TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.Contains(_runner.CallsTo("systemctl"), a => a.SequenceEqual(["kill", "--signal=SIGKILL", "classhub-server-alice.service"]));
    }

    [Fact]
    public async Task Stop_Twice_Succeeds()
    {
        var state = new SystemdState("classhub-server-alice.service", "127.0.0.1", 4000, "alice").Serialize();
        var spawner = Spawner();

        await spawner.StopAsync(state, TimeSpan.FromSeconds(1), CancellationToken.None);
        await spawner.StopAsync(state, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.DoesNotContain(_runner.CallsTo("systemctl"), a => a[0] == "stop");
    }

    [Fact]
    public void State_ForeignUnitName_Refused()
    {
        Assert.Throws<FormatException>(() => SystemdState.Parse("{\"unit\":\"ssh.service\",\"host\":\"127.0.0.1\",\"port\":1,\"unix_user\":\"x\"}"));
        Assert.Throws<FormatException>(() => SystemdState.Parse("{\"unit\":\"classhub-server-x.service --now\",\"host\":\"127.0.0.1\",\"port\":1,\"unix_user\":\"x\"}"));
    }

    [Fact]
    public void EnvironmentFile_QuotesSoSystemdReadsValuesLiterally()
    {
        var text = EnvironmentFile.Format(
            [new("A", "plain $HOME"), new("B", "it's \"q\" \\ `x` $y"), new("C", "")],
            out var problem);

        Assert.Null(problem);
        Assert.Equal("A='plain $HOME'\nB=\"it's \\\"q\\\" \\\\ \\`x\\` \\$y\"\nC=''\n", text);
    }

    [Fact]
    public void UnitStatus_ParsesShowOutput()
    {
        var status = UnitStatus.Parse("LoadState=loaded\nActiveState=deactivating\nSubState=stop-sigterm\nExecMainStatus=\nMainPID=17\n");

        Assert.True(status.IsAlive);
        Assert.Equal(17, status.MainPid);
        Assert.Null(status.ExecMainStatus);
    }

    [Fact]
    public async Task Health_NoSystemd_SaysWhyAndWhatToUse()
    {
        var health = await Spawner(new SystemdSpawnerOptions { SystemdRuntimeDir = Path.Combine(_dir, "no-systemd") }).CheckHealthAsync(CancellationToken.None);

        Assert.False(health.Healthy);
        Assert.Contains("local-process", health.Detail, StringComparison.Ordinal);
    }
}
