using Classhub.Core.Servers;
using Classhub.Spawning.Slurm;
using Classhub.Spawning.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Slurm;

public sealed class SlurmSpawnerTests : IDisposable
{
    // sbatch is run as the student's real account, which must exist (the site's user directory; here useradd).
    private readonly TestUnixUser _student = new();
    private readonly uint _uid;

    public SlurmSpawnerTests()
    {
        var added = new Classhub.Spawning.Processes.ProcessRunner().RunAsync("/usr/sbin/useradd", ["-m", _student.Name], CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(added.Succeeded, added.StandardError);
        _uid = Classhub.Spawning.Unix.UnixAccounts.FindByName(_student.Name)!.Uid;
    }

    private const string Token = "s3cret-server-token-0123456789";

    private static readonly SlurmSpawnerOptions Options = new()
    {
        Defaults = new SlurmJobSettings(Partition: "gpu", Memory: "4G"),
        ConnectUrl = new Uri("http://hub.cluster:8081/"),
        QueueTimeout = TimeSpan.FromMinutes(7),
    };

    public void Dispose() => _student.Dispose();

    private SpawnRequest Request() => new(
        "alice",
        _student.Name,
        ["jupyterhub-singleuser", "--debug"],
        new Dictionary<string, string> { ["JUPYTERHUB_API_TOKEN"] = Token, ["JUPYTERHUB_API_URL"] = "http://127.0.0.1:8000/hub/api", ["ODD"] = "it's" },
        "/tmp/alice.log",
        ResourceLimits.None) { UnixUid = _uid };

    private static SlurmSpawner Spawner(ScriptedSlurmCommands commands) =>
        new(Options, commands, TimeProvider.System, NullLogger<SlurmSpawner>.Instance);

    [Fact]
    public async Task StartAsync_AccountInSudoGroup_NoJobSubmitted()
    {
        Assert.True((await new Classhub.Spawning.Processes.ProcessRunner().RunAsync("/usr/sbin/usermod", ["-aG", "sudo", _student.Name], CancellationToken.None)).Succeeded);
        var commands = new ScriptedSlurmCommands().Answer("runuser", "4711\n");

        var result = await Spawner(commands).StartAsync(Request(), CancellationToken.None);

        Assert.Equal("unix-user-privileged", result.Failure!.Reason);
        Assert.Empty(commands.Calls);
    }

    [Fact]
    public async Task StartAsync_Submitted_TokenOnlyOnStdinAndCourseSettingsOnTheCommandLine()
    {
        var commands = new ScriptedSlurmCommands().Answer("runuser", "4711\n");

        var result = await Spawner(commands).StartAsync(Request(), new SlurmJobSettings(Gpus: 2, Cpus: 4), CancellationToken.None);

        Assert.Null(result.Failure);
        Assert.Null(result.Server);
        Assert.Equal(new PendingServer("4711", TimeSpan.FromMinutes(7)), result.Pending);
        var (file, args, stdin) = Assert.Single(commands.Calls);
        Assert.Equal("runuser", file);
        Assert.DoesNotContain(args, a => a.Contains(Token, StringComparison.Ordinal));
        Assert.Equal(["-u", _student.Name, "--", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin"], args.Take(6));
        Assert.Equal(["sbatch", "--parsable", "--job-name=classhub-alice"], args.SkipWhile(a => a != "sbatch").Take(3));
        Assert.Contains("--partition=gpu", args);
        Assert.Contains("--mem=4G", args);
        Assert.Contains("--cpus-per-task=4", args);
        Assert.Contains("--gres=gpu:2", args);
        Assert.Contains($"export JUPYTERHUB_API_TOKEN='{Token}'", stdin, StringComparison.Ordinal);
        Assert.Contains("export JUPYTERHUB_API_URL='http://hub.cluster:8081/hub/api'", stdin, StringComparison.Ordinal);
        Assert.Contains("export CLASSHUB_ADDRESS_URL='http://hub.cluster:8081/hub/api/users/alice/server/address'", stdin, StringComparison.Ordinal);
        Assert.Contains("export ODD='it'\\''s'", stdin, StringComparison.Ordinal);
        Assert.Contains("exec 'jupyterhub-singleuser' '--debug' --ip=0.0.0.0 --port=\"$CLASSHUB_PORT\"", stdin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ScriptRunBySh_ParsesAndReportsBeforeExec()
    {
        var commands = new ScriptedSlurmCommands().Answer("runuser", "12;cluster\n");
        await Spawner(commands).StartAsync(Request(), CancellationToken.None);
        var script = commands.Calls[0].StandardInput;

        // The generated script is valid POSIX shell, and the report-in comes before the server starts.
        var check = await new Classhub.Spawning.Processes.ProcessRunner().RunAsync("sh", ["-n"], script, CancellationToken.None);
        Assert.True(check.Succeeded, check.StandardError);
        Assert.True(script.IndexOf("CLASSHUB_ADDRESS_URL", StringComparison.Ordinal) < script.IndexOf("exec ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_SbatchRefuses_FailureWithSlurmsMessage()
    {
        var commands = new ScriptedSlurmCommands().Answer("runuser", "", 1, "sbatch: error: invalid partition specified: gpu");

        var result = await Spawner(commands).StartAsync(Request(), CancellationToken.None);

        Assert.Equal("slurm-submit-failed", result.Failure!.Reason);
        Assert.Contains("invalid partition specified: gpu", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_BadCourseSetting_FailsBeforeSbatch()
    {
        var commands = new ScriptedSlurmCommands();

        var result = await Spawner(commands).StartAsync(Request(), new SlurmJobSettings(Memory: "4G; rm -rf /"), CancellationToken.None);

        Assert.Equal("slurm-settings", result.Failure!.Reason);
        Assert.Empty(commands.Calls);
    }

    [Fact]
    public async Task PollAsync_Pending_QueuedWithPositionAndReason()
    {
        var commands = new ScriptedSlurmCommands()
            .Answer("squeue", "PENDING|Resources|gpu\n")
            .Answer("squeue", "17\n4711\n99\n");

        var status = await Spawner(commands).PollAsync("4711", CancellationToken.None);

        Assert.True(status.Running);
        Assert.True(status.Queued);
        Assert.Equal("waiting for a node: position 2 (Resources)", status.Detail);
        Assert.Equal(["-h", "-t", "PENDING", "-p", "gpu", "-o", "%i", "-S", "-p,i"], commands.Calls[1].Arguments);
    }

    [Fact]
    public async Task PollAsync_Running_Alive()
    {
        var commands = new ScriptedSlurmCommands().Answer("squeue", "RUNNING|None|debug\n");

        var status = await Spawner(commands).PollAsync("4711", CancellationToken.None);

        Assert.Equal(ServerStatus.Alive, status);
    }

    [Fact]
    public async Task PollAsync_CancelledAndGoneFromQueue_StoppedWithSlurmsState()
    {
        var commands = new ScriptedSlurmCommands()
            .Answer("squeue", "")
            .Answer("scontrol", "JobId=4711 JobName=classhub-alice UserId=alice(1001) JobState=CANCELLED Reason=None Dependency=(null) ExitCode=0:15 Partition=debug");

        var status = await Spawner(commands).PollAsync("4711", CancellationToken.None);

        Assert.False(status.Running);
        Assert.Equal(143, status.ExitCode);
        Assert.Equal("Slurm job 4711 was cancelled (CANCELLED, exit code 0:15)", status.Detail);
    }

    [Fact]
    public async Task PollAsync_ControllerDown_KeepsServerAndSaysWhy()
    {
        var commands = new ScriptedSlurmCommands().Answer("squeue", "", 1, "slurm_load_jobs error: Unable to contact slurm controller");

        var status = await Spawner(commands).PollAsync("4711", CancellationToken.None);

        Assert.True(status.Running);
        Assert.False(status.Queued);
        Assert.Contains("Unable to contact slurm controller", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_JobForgotten_Stopped()
    {
        var commands = new ScriptedSlurmCommands()
            .Answer("squeue", "", 1, "slurm_load_jobs error: Invalid job id specified")
            .Answer("scontrol", "", 1, "slurm_load_jobs error: Invalid job id specified");

        var status = await Spawner(commands).PollAsync("4711", CancellationToken.None);

        Assert.False(status.Running);
        Assert.Equal("Slurm job 4711 is no longer known to Slurm", status.Detail);
    }

    [Theory]
    [InlineData("4711\n", 4711L)]
    [InlineData("4711;cluster\n", 4711L)]
    [InlineData("Submitted batch job 4711", null)]
    [InlineData("", null)]
    public void ParseJobId_SbatchParsableOutput_JobIdOrNull(string output, long? expected)
    {
        Assert.Equal(expected, SlurmJobState.ParseJobId(output));
    }

    [Fact]
    public void ParseScontrol_MultiLineOutput_ReadsStateReasonPartitionExitCode()
    {
        var job = SlurmJobState.ParseScontrol("JobId=5 JobName=x\n   JobState=FAILED Reason=NonZeroExitCode Dependency=(null)\n   Partition=debug AllocNode:Sid=vm:1\n   ExitCode=1:0\n");

        Assert.Equal(new SlurmJobState("FAILED", "NonZeroExitCode", "debug", "1:0"), job);
        Assert.Equal("Slurm job 5 ended: FAILED, reason: NonZeroExitCode, exit code 1:0", job!.EndedDetail(5));
    }
}
