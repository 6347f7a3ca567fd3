using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Classhub.Core.Servers;
using Classhub.Core.Users;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Tests.Support;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.LocalProcess;

/// <summary>
/// Real servers (a small python HTTP server) as real Unix users; these tests run as root. The account exists (made
/// the way the hub makes them) and the request carries the uid the hub recorded, as the hub's binding would.
/// </summary>
public sealed class LocalProcessSpawnerTests : IDisposable
{
    private const string Token = "s3cret-token-0123456789abcdef";
    private readonly TestServer _server = new();
    private readonly TestUnixUser _user = new();
    private readonly UnixAccount _account;
    private readonly List<(LocalProcessSpawner Spawner, string State)> _started = [];

    public LocalProcessSpawnerTests()
    {
        _account = _user.Create();
    }

    public void Dispose()
    {
        foreach (var (spawner, state) in _started)
        {
            spawner.StopAsync(state, TimeSpan.Zero, CancellationToken.None).GetAwaiter().GetResult();
        }

        _user.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task StartAsync_UnixUser_ServerRunsAsThatUser()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request(("TEST_WRITE_HOME", "1")));
        await Proc.GetAsync(server.Url);

        var account = UnixAccounts.FindByName(_user.Name)!;
        Assert.NotNull(account);
        Assert.Equal($"{account.Uid}\t{account.Uid}\t{account.Uid}\t{account.Uid}", Proc.Status(state.Pid, "Uid"));
        Assert.Equal($"{account.Gid}\t{account.Gid}\t{account.Gid}\t{account.Gid}", Proc.Status(state.Pid, "Gid"));
        Assert.Equal(string.Join(' ', account.Groups.Order()), Proc.Status(state.Pid, "Groups"));
        Assert.Equal("0000000000000000", Proc.Status(state.Pid, "CapEff"));
        var written = Path.Combine(account.Home, "server-was-here");
        Assert.Equal(account.Uid, await Proc.OwnerAsync(written));
        Assert.Equal(state.Pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(written));
        Assert.Equal(account.Home, new DirectoryInfo($"/proc/{state.Pid}/cwd").LinkTarget);
    }

    [Fact]
    public async Task StartAsync_TokenInEnvironment_NotOnCommandLineAndEnvironmentExact()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request());
        await Proc.GetAsync(server.Url);

        Assert.DoesNotContain(Token, Proc.CommandLine(state.Pid), StringComparison.Ordinal);
        Assert.Contains("--port=" + server.Url.Port, Proc.CommandLine(state.Pid), StringComparison.Ordinal);
        var env = Proc.Environment(state.Pid);
        Assert.Equal(Token, env["JUPYTERHUB_API_TOKEN"]);
        Assert.Equal($"http://127.0.0.1:{server.Url.Port}/user/alice/", env["JUPYTERHUB_SERVICE_URL"]);
        Assert.Equal(_user.Name, env["USER"]);
        Assert.Equal(_user.Name, env["LOGNAME"]);
        Assert.Equal($"/home/{_user.Name}", env["HOME"]);
        Assert.Equal("/usr/local/bin:/usr/bin:/bin", env["PATH"]);
        Assert.Equal("C.UTF-8", env["LANG"]);
        Assert.Equal(
            ["HOME", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_USER", "LANG", "LOGNAME", "PATH", "SHELL", "USER"],
            env.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartAsync_Server_AnswersHttpOnReturnedUrl()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request());

        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.Equal(state.Port, server.Url.Port);
        Assert.Equal($"hello from {_user.Name}", await Proc.GetAsync(server.Url));
        Assert.Equal(ServerStatus.Alive, await spawner.PollAsync(state.Serialize(), CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_ServerProcess_LeadsItsOwnSessionAndGroup()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request());
        await Proc.GetAsync(server.Url);

        var stat = ProcStat.Read(state.Pid)!;
        Assert.Equal(state.Pid, state.ProcessGroup);
        Assert.Equal(state.Pid, stat.ProcessGroup);
        Assert.Equal(state.Pid, stat.Session);
        Assert.Equal(state.StartTime, stat.StartTime);
    }

    [Fact]
    public async Task StartAsync_Log_ReceivesStdoutAndStderrWithMode0600AndNoPipes()
    {
        var spawner = NewSpawner();
        var request = Request();
        var (server, state) = await StartAsync(spawner, request);
        await Proc.GetAsync(server.Url);
        await Proc.WaitUntilAsync(() => Proc.ReadShared(request.LogPath).Contains("stderr-marker", StringComparison.Ordinal), "stderr in the log");

        var log = Proc.ReadShared(request.LogPath);
        Assert.Contains("env {", log, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(request.LogPath));
        Assert.Equal(0u, await Proc.OwnerAsync(request.LogPath));
        Assert.Equal("/dev/null", Proc.Link(state.Pid, 0));
        Assert.Equal(request.LogPath, Proc.Link(state.Pid, 1));
        Assert.Equal(request.LogPath, Proc.Link(state.Pid, 2));
        var fds = Directory.GetFiles($"/proc/{state.Pid}/fd").Select(f => new FileInfo(f).LinkTarget ?? "");
        Assert.DoesNotContain(fds, target => target.StartsWith("pipe:", StringComparison.Ordinal));
    }

    /// <summary>
    /// With <see cref="SpawnRequest.Placed"/>, the server runs nothing of the user's until the hub has recorded it:
    /// while the hub records, the launch is a shell waiting on its pipe, and the server has not written its marker.
    /// </summary>
    [Fact]
    public async Task StartAsync_Placed_ServerRunsOnlyOnceTheHubHasRecordedIt()
    {
        var spawner = NewSpawner();
        var marker = Path.Combine(UnixAccounts.FindByName(_user.Name)?.Home ?? $"/home/{_user.Name}", "server-was-here");
        string? seen = null;
        var request = Request(("TEST_WRITE_HOME", "1")) with
        {
            Placed = async (state, url) =>
            {
                await Task.Delay(300);
                var pid = LocalProcessState.Parse(state).Pid;
                seen = $"{url} {Proc.CommandLine(pid)} marker:{File.Exists(marker)}";
            },
        };

        var (server, _) = await StartAsync(spawner, request);
        await Proc.GetAsync(server.Url);

        Assert.NotNull(seen);
        Assert.StartsWith(server.Url.ToString(), seen, StringComparison.Ordinal);
        Assert.Contains("read -r go", seen, StringComparison.Ordinal);
        Assert.EndsWith("marker:False", seen, StringComparison.Ordinal);
        Assert.True(File.Exists(marker));
    }

    /// <summary>A hub that dies before it recorded the server closes the pipe (the kernel does it): the launch ends and the program never runs.</summary>
    [Fact]
    public async Task HeldLaunch_PipeClosedWithoutGo_ExitsWithoutRunningTheProgram()
    {
        var marker = Path.Combine(Directory.CreateTempSubdirectory("held-").FullName, "ran");
        var argv = LaunchCommand.Build(new LocalProcessSpawnerOptions(), null, ResourceLimits.None, "/usr/bin/touch", [marker], Path.Combine(Path.GetDirectoryName(marker)!, "log"), held: true);
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var launch = Process.Start(start)!;
        await Task.Delay(200);
        Assert.False(launch.HasExited, "the held launch did not wait for its release");
        launch.StandardInput.Close();
        await launch.WaitForExitAsync();

        Assert.Equal(LaunchCommand.NotReleasedExitCode, launch.ExitCode);
        Assert.False(File.Exists(marker), "the program ran without being released");
        Directory.Delete(Path.GetDirectoryName(marker)!, recursive: true);
    }

    [Fact]
    public async Task StartAsync_PlacedThrows_NoServerLeft()
    {
        var spawner = NewSpawner();
        var request = Request() with { Placed = (_, _) => throw new IOException("database is full") };

        await Assert.ThrowsAsync<IOException>(() => spawner.StartAsync(request, CancellationToken.None));

        await Proc.WaitUntilAsync(() => !ServersOfThisTestRunning(), "no server of this test to be left", 5);
    }

    [Fact]
    public async Task PollAsync_NewSpawnerInstance_SeesServerAndStopsItFromState()
    {
        var (server, state) = await StartAsync(NewSpawner(), Request());
        await Proc.GetAsync(server.Url);

        var other = NewSpawner();
        Assert.Equal(ServerStatus.Alive, await other.PollAsync(state.Serialize(), CancellationToken.None));
        await other.StopAsync(state.Serialize(), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(Proc.IsGoneOrZombie(state.Pid));
        Assert.False((await other.PollAsync(state.Serialize(), CancellationToken.None)).Running);
    }

    [Fact]
    public async Task PollAsync_SpawnerAndProcessDropped_ServerSurvives()
    {
        var (url, stateText) = await StartAndForgetAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        await Task.Delay(300);

        var other = NewSpawner();
        Assert.Equal(ServerStatus.Alive, await other.PollAsync(stateText, CancellationToken.None));
        Assert.Equal($"hello from {_user.Name}", await Proc.GetAsync(url));
        await other.StopAsync(stateText, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False((await other.PollAsync(stateText, CancellationToken.None)).Running);
    }

    [Fact]
    public async Task StopAsync_GrandchildInProcessGroup_KillsIt()
    {
        var spawner = NewSpawner();
        var request = Request(("TEST_MODE", "grandchild"));
        var (server, state) = await StartAsync(spawner, request);
        await Proc.GetAsync(server.Url);
        var line = Proc.ReadShared(request.LogPath).Split('\n').Single(l => l.StartsWith("grandchild ", StringComparison.Ordinal));
        var grandchild = int.Parse(line["grandchild ".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(state.ProcessGroup, ProcStat.Read(grandchild)!.ProcessGroup);

        await spawner.StopAsync(state.Serialize(), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(Proc.IsGoneOrZombie(grandchild));
        Assert.True(Proc.IsGoneOrZombie(state.Pid));
    }

    [Fact]
    public async Task StopAsync_ServerIgnoresSigterm_KilledAfterGrace()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request(("TEST_MODE", "ignore-term")));
        await Proc.GetAsync(server.Url);

        var watch = Stopwatch.StartNew();
        await spawner.StopAsync(state.Serialize(), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"stopped after {watch.Elapsed}, before the grace ran out");
        Assert.True(Proc.IsGoneOrZombie(state.Pid));
    }

    [Fact]
    public async Task StopAsync_Twice_SecondIsANoOp()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request());
        await Proc.GetAsync(server.Url);

        await spawner.StopAsync(state.Serialize(), TimeSpan.FromSeconds(5), CancellationToken.None);
        await spawner.StopAsync(state.Serialize(), TimeSpan.FromSeconds(5), CancellationToken.None);
        await NewSpawner().StopAsync(state.Serialize(), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False((await spawner.PollAsync(state.Serialize(), CancellationToken.None)).Running);
    }

    [Fact]
    public async Task PollAsync_ServerExitsEarly_StoppedWithExitCode()
    {
        var spawner = NewSpawner();
        var (_, state) = await StartAsync(spawner, Request(("TEST_MODE", "exit3")));

        ServerStatus status = ServerStatus.Alive;
        await Proc.WaitUntilAsync(
            () => !(status = spawner.PollAsync(state.Serialize(), CancellationToken.None).GetAwaiter().GetResult()).Running,
            "the server to exit");

        Assert.Equal(3, status.ExitCode);
        Assert.Contains("exited with code 3", status.Detail, StringComparison.Ordinal);
        var fromState = await NewSpawner().PollAsync(state.Serialize(), CancellationToken.None);
        Assert.False(fromState.Running);
    }

    [Fact]
    public async Task PollAsync_PidReusedByAnotherProcess_StoppedAndStopLeavesItAlone()
    {
        using var sleeper = Process.Start("/bin/sleep", "60");
        var real = ProcStat.Read(sleeper.Id)!;
        var forged = new LocalProcessState(sleeper.Id, sleeper.Id, real.StartTime + 1, "127.0.0.1", 1, null).Serialize();
        var spawner = NewSpawner();

        Assert.False((await spawner.PollAsync(forged, CancellationToken.None)).Running);
        await spawner.StopAsync(forged, TimeSpan.Zero, CancellationToken.None);

        Assert.False(sleeper.HasExited);
        sleeper.Kill();
    }

    [Fact]
    public async Task StartAsync_ResourceLimits_AppliedToServer()
    {
        var spawner = NewSpawner();
        var request = Request() with { Limits = new ResourceLimits(MemoryBytes: 4L << 30, Tasks: 200, OpenFiles: 321) };
        var (server, state) = await StartAsync(spawner, request);
        await Proc.GetAsync(server.Url);

        var limits = File.ReadAllLines($"/proc/{state.Pid}/limits");
        Assert.Matches(@"^Max open files\s+321\s+321\s", limits.Single(l => l.StartsWith("Max open files", StringComparison.Ordinal)));
        Assert.Matches(@"^Max processes\s+200\s+200\s", limits.Single(l => l.StartsWith("Max processes", StringComparison.Ordinal)));
        Assert.Matches(@"^Max address space\s+4294967296\s+4294967296\s", limits.Single(l => l.StartsWith("Max address space", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StartAsync_ProgramNotOnPath_FailsSayingWhatToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("chs-path-").FullName;
        try
        {
            var spawner = NewSpawner(new LocalProcessSpawnerOptions { SearchPath = empty });
            var result = await spawner.StartAsync(Request() with { Command = ["jupyterhub-singleuser"] }, CancellationToken.None);

            Assert.Null(result.Server);
            Assert.Equal("program-not-found", result.Failure!.Reason);
            Assert.StartsWith("starting server for alice: program 'jupyterhub-singleuser' not found on PATH", result.Failure.Message, StringComparison.Ordinal);
            Assert.EndsWith("install Debian's jupyterhub package", result.Failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("root")]
    [InlineData("Bad Name")]
    [InlineData("-rf")]
    public async Task StartAsync_InvalidUnixUser_Fails(string unixUser)
    {
        var result = await NewSpawner().StartAsync(Request() with { UnixUser = unixUser }, CancellationToken.None);

        Assert.Equal("invalid-unix-user", result.Failure!.Reason);
        Assert.StartsWith("starting server for alice: ", result.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("BASH_ENV")]
    public async Task StartAsync_EnvironmentActingOnRootHelpers_Fails(string key)
    {
        var result = await NewSpawner().StartAsync(Request((key, "/tmp/evil")), CancellationToken.None);

        Assert.Equal("unsafe-environment", result.Failure!.Reason);
        Assert.Contains(key, result.Failure.Message, StringComparison.Ordinal);
        Assert.False(ServersOfThisTestRunning());
    }

    [Fact]
    public async Task StartAsync_NoSuchAccount_FailsAndCreatesNone()
    {
        var missing = "chtmissing" + Environment.ProcessId;

        var result = await NewSpawner().StartAsync(Request() with { UnixUser = missing }, CancellationToken.None);

        Assert.Equal("unix-user-missing", result.Failure!.Reason);
        Assert.Contains($"'{missing}' does not exist", result.Failure.Message, StringComparison.Ordinal);
        Assert.Null(UnixAccounts.FindByName(missing));
    }

    [Fact]
    public async Task StartAsync_UidOtherThanTheRecordedOne_RefusedNothingStarted()
    {
        var result = await NewSpawner().StartAsync(Request() with { UnixUid = _account.Uid + 1 }, CancellationToken.None);

        Assert.Equal("unix-user-changed", result.Failure!.Reason);
        Assert.Contains($"has uid {_account.Uid}, not the uid {_account.Uid + 1} the hub recorded", result.Failure.Message, StringComparison.Ordinal);
        Assert.False(ServersOfThisTestRunning());
    }

    [Fact]
    public async Task StartAsync_NoUidRecorded_RefusedNothingStarted()
    {
        var result = await NewSpawner().StartAsync(Request() with { UnixUid = null }, CancellationToken.None);

        Assert.Equal("unix-user-unbound", result.Failure!.Reason);
        Assert.False(ServersOfThisTestRunning());
    }

    [Fact]
    public async Task StartAsync_AccountInSudoGroup_RefusedNothingStarted()
    {
        Assert.True((await new ProcessRunner().RunAsync("/usr/sbin/usermod", ["-aG", "sudo", _user.Name], CancellationToken.None)).Succeeded);

        var result = await NewSpawner().StartAsync(Request(), CancellationToken.None);

        Assert.Equal("unix-user-privileged", result.Failure!.Reason);
        Assert.Contains("it is a member of group sudo", result.Failure.Message, StringComparison.Ordinal);
        Assert.False(ServersOfThisTestRunning());
    }

    [Fact]
    public async Task StartAsync_UidBelowTheConfiguredRange_RefusedNothingStarted()
    {
        var spawner = NewSpawner(new LocalProcessSpawnerOptions { Accounts = new AccountRules { MinUid = _account.Uid + 1 } });

        var result = await spawner.StartAsync(Request(), CancellationToken.None);

        Assert.Equal("unix-user-privileged", result.Failure!.Reason);
        Assert.Contains($"its uid {_account.Uid} is outside the range classhub runs servers as", result.Failure.Message, StringComparison.Ordinal);
        Assert.False(ServersOfThisTestRunning());
    }

    [Fact]
    public async Task StartAsync_LogNotWritable_Fails()
    {
        var request = Request() with { LogPath = "/proc/version/server.log" };

        var result = await NewSpawner().StartAsync(request, CancellationToken.None);

        Assert.Equal("log-not-writable", result.Failure!.Reason);
        Assert.StartsWith("starting server for alice: cannot write the server log '/proc/version/server.log'", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DevelopmentMode_RunsAsHubUser()
    {
        var spawner = NewSpawner();
        var (server, state) = await StartAsync(spawner, Request() with { UnixUser = null });
        await Proc.GetAsync(server.Url);

        var me = UnixAccounts.FindByUid(LibC.GetEUid())!;
        Assert.StartsWith($"{me.Uid}\t", Proc.Status(state.Pid, "Uid"), StringComparison.Ordinal);
        Assert.Equal(me.Home, Proc.Environment(state.Pid)["HOME"]);
        Assert.Equal(state.Pid, ProcStat.Read(state.Pid)!.Session);
    }

    [Fact]
    public async Task CheckHealthAsync_ProgramInstalled_HealthyAndSaysWhatItChecked()
    {
        var helper = Environment.ProcessPath!;
        var health = await NewSpawner(new LocalProcessSpawnerOptions { Program = "python3", HelperPath = helper }).CheckHealthAsync(CancellationToken.None);
        var withoutHelper = await NewSpawner(new LocalProcessSpawnerOptions { Program = "python3", HelperPath = "/nonexistent/classhub" }).CheckHealthAsync(CancellationToken.None);

        Assert.True(health.Healthy, health.Detail);
        Assert.Contains("python3 at /usr/", health.Detail, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/setpriv", health.Detail, StringComparison.Ordinal);
        Assert.Contains(helper, health.Detail, StringComparison.Ordinal);
        Assert.False(withoutHelper.Healthy);
        Assert.Contains("/nonexistent/classhub is missing", withoutHelper.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_ProgramMissing_UnhealthyNamingIt()
    {
        var health = await NewSpawner(new LocalProcessSpawnerOptions { Program = "no-such-program-xyz" }).CheckHealthAsync(CancellationToken.None);

        Assert.False(health.Healthy);
        Assert.Contains("program 'no-such-program-xyz' not found on PATH", health.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ExitWithinStartGrace_FailsWithLogTail()
    {
        var spawner = NewSpawner(new LocalProcessSpawnerOptions { StartGrace = TimeSpan.FromSeconds(3) });

        var result = await spawner.StartAsync(Request(("TEST_MODE", "exit3")), CancellationToken.None);

        Assert.Equal("exited-early", result.Failure!.Reason);
        Assert.Contains("exited with code 3", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("stderr-marker", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_RunningAfterStartGrace_Started()
    {
        var spawner = NewSpawner(new LocalProcessSpawnerOptions { StartGrace = TimeSpan.FromMilliseconds(500) });

        var (server, _) = await StartAsync(spawner, Request());

        Assert.Equal($"hello from {_user.Name}", await Proc.GetAsync(server.Url));
    }

    [Fact]
    public async Task StartAsync_CancelledDuringStartGrace_ThrowsAndLeavesNoServer()
    {
        var spawner = NewSpawner(new LocalProcessSpawnerOptions { StartGrace = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => spawner.StartAsync(Request(), cancel.Token));

        await Proc.WaitUntilAsync(() => !ServersOfThisTestRunning(), "no server of this test to be left", 5);
    }

    [Fact]
    public async Task StartAsync_AlreadyCancelled_ThrowsWithoutStarting()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => NewSpawner().StartAsync(Request() with { UnixUser = null }, new CancellationToken(canceled: true)));

        Assert.False(ServersOfThisTestRunning());
    }

    private bool ServersOfThisTestRunning() =>
        Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Any(d =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(_server.ScriptPath, StringComparison.Ordinal)
                        && ProcStat.Read(int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)) is { IsZombie: false };
                }
                catch (IOException)
                {
                    return false;
                }
            });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<(Uri Url, string State)> StartAndForgetAsync()
    {
        var spawner = new LocalProcessSpawner(new LocalProcessSpawnerOptions(), TimeProvider.System, NullLogger<LocalProcessSpawner>.Instance);
        var result = await spawner.StartAsync(Request(), CancellationToken.None);
        Assert.Null(result.Failure);
        return (result.Server!.Url, result.Server.State);
    }

    private static LocalProcessSpawner NewSpawner(LocalProcessSpawnerOptions? options = null) =>
        new(options ?? new LocalProcessSpawnerOptions(), TimeProvider.System, NullLogger<LocalProcessSpawner>.Instance);

    private async Task<(SpawnedServer Server, LocalProcessState State)> StartAsync(LocalProcessSpawner spawner, SpawnRequest request)
    {
        var result = await spawner.StartAsync(request, CancellationToken.None);
        Assert.Null(result.Failure);
        var server = result.Server!;
        _started.Add((spawner, server.State));
        return (server, LocalProcessState.Parse(server.State));
    }

    private SpawnRequest Request(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUPYTERHUB_API_TOKEN"] = Token,
            ["JUPYTERHUB_USER"] = "alice",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return new SpawnRequest("alice", _user.Name, _server.Command, env, _server.LogPath(_user.Name), ResourceLimits.None) { UnixUid = _account.Uid };
    }
}
