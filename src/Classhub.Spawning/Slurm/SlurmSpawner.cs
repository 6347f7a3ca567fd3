using System.Globalization;
using Classhub.Core.Servers;
using Classhub.Core.Users;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Slurm;

/// <summary>
/// Runs each server as a Slurm batch job submitted as the Unix account the hub bound the student to (checked by
/// <see cref="AccountCheck"/>: <c>runuser -u ACCOUNT -- sbatch --parsable</c>, the
/// script on stdin: see <see cref="BatchScript"/>). The job reports its host and port to the hub itself, so
/// <see cref="StartAsync(SpawnRequest, CancellationToken)"/> returns at once with a pending server. The state is the job id:
/// <c>squeue</c>/<c>scontrol</c> answer polls from it and <c>scancel</c> stops it, from any hub process.
/// </summary>
internal sealed partial class SlurmSpawner(SlurmSpawnerOptions options, IProcessRunner runner, TimeProvider time, ILogger<SlurmSpawner> logger) : ISpawner
{
    private static readonly TimeSpan StopPoll = TimeSpan.FromMilliseconds(250);

    public string Kind => "slurm";

    public Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken) =>
        StartAsync(request, SlurmJobSettings.Default, cancellationToken);

    /// <summary>Submits the job with the course's <paramref name="course"/> settings over the hub-wide defaults.</summary>
    public async Task<SpawnResult> StartAsync(SpawnRequest request, SlurmJobSettings course, CancellationToken cancellationToken)
    {
        var doing = $"starting server for {request.UserName} as a Slurm job";
        if (request.UnixUser is not { } unixUser)
        {
            return SpawnResult.Failed("slurm-needs-root", $"{doing}: jobs run as the student's own Unix account, so the hub must run as root (not in development mode)");
        }

        if (UserName.Problem(unixUser) is null && UnixAccounts.FindByName(unixUser) is null)
        {
            return SpawnResult.Failed("unix-user-missing", $"{doing}: Unix user '{unixUser}' does not exist on the hub; cluster accounts come from the site's user directory (LDAP, SSSD), which must know the student on the hub and on the nodes");
        }

        // The job is submitted as the account with runuser, so the account passes the same check as a local server's.
        var (found, accountFailure) = AccountCheck.Verify(request, options.Accounts, doing);
        if (accountFailure is not null)
        {
            return accountFailure;
        }

        var account = found!;
        var job = course.Over(options.Defaults);
        if (job.Problem() is { } problem)
        {
            return SpawnResult.Failed("slurm-settings", $"{doing}: {problem}; fix the course's or the slurm.* settings");
        }

        var submit = await runner.RunAsync(
            options.RunUser, BatchScript.SubmitArguments(options, request.UserName, unixUser, account.Home, job), BatchScript.Script(request, options), cancellationToken);
        if (!submit.Succeeded || SlurmJobState.ParseJobId(submit.StandardOutput) is not { } jobId)
        {
            var why = submit.StandardError.Trim() is { Length: > 0 } err ? err : $"exit code {submit.ExitCode}, output '{submit.StandardOutput.Trim()}'";
            LogSubmitFailed(logger, request.UserName, why);
            return SpawnResult.Failed("slurm-submit-failed", $"{doing}: sbatch refused the job: {why}");
        }

        LogSubmitted(logger, request.UserName, jobId, unixUser);
        var state = jobId.ToString(CultureInfo.InvariantCulture);
        if (cancellationToken.IsCancellationRequested)
        {
            await StopAsync(state, TimeSpan.Zero, CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return SpawnResult.AwaitingAddress(state, options.QueueTimeout);
    }

    public async Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken)
    {
        if (!long.TryParse(state, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            return ServerStatus.Stopped(detail: $"'{state}' is not a Slurm job id");
        }

        var queue = await runner.RunAsync(options.Squeue, ["-h", "-j", state, "-o", SlurmJobState.SqueueFormat], cancellationToken);
        var unknown = queue.StandardError.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase);
        if (!queue.Succeeded && !unknown)
        {
            // The controller not answering is not the job ending: keep the server, say why nothing is known.
            return new ServerStatus(true, null, $"Slurm did not answer about job {jobId}: {queue.StandardError.Trim()}");
        }

        var job = queue.Succeeded ? SlurmJobState.ParseSqueue(queue.StandardOutput) : null;
        if (job is null)
        {
            var show = await runner.RunAsync(options.Scontrol, ["-o", "show", "job", state], cancellationToken);
            job = show.Succeeded ? SlurmJobState.ParseScontrol(show.StandardOutput) : null;
            if (job is null)
            {
                return ServerStatus.Stopped(detail: $"Slurm job {jobId} is no longer known to Slurm");
            }
        }

        if (!job.Alive)
        {
            return ServerStatus.Stopped(ExitStatus(job.ExitCode), job.EndedDetail(jobId));
        }

        if (!job.Pending)
        {
            return ServerStatus.Alive;
        }

        string[] pendingArgs = job.Partition.Length > 0
            ? ["-h", "-t", "PENDING", "-p", job.Partition, "-o", "%i", "-S", "-p,i"]
            : ["-h", "-t", "PENDING", "-o", "%i", "-S", "-p,i"];
        var pending = await runner.RunAsync(options.Squeue, pendingArgs, cancellationToken);
        var position = pending.Succeeded ? SlurmJobState.QueuePosition(pending.StandardOutput, jobId) : null;
        var reason = job.Reason is { Length: > 0 } and not "None" ? $" ({job.Reason})" : "";
        return ServerStatus.Waiting(position is { } p ? $"waiting for a node: position {p}{reason}" : $"waiting for a node{reason}");
    }

    public async Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!long.TryParse(state, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            return;
        }

        LogCancelling(logger, jobId);
        await runner.RunAsync(options.Scancel, [state], cancellationToken);
        if (await GoneWithinAsync(state, grace, cancellationToken))
        {
            return;
        }

        await runner.RunAsync(options.Scancel, ["--signal=KILL", "--full", state], cancellationToken);
        await GoneWithinAsync(state, TimeSpan.FromSeconds(10), cancellationToken);
    }

    public async Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var ping = await runner.RunAsync(options.Scontrol, ["ping"], cancellationToken);
        return ping.Succeeded && ping.StandardOutput.Contains("UP", StringComparison.Ordinal)
            ? new SpawnerHealth(true, $"slurm: {ping.StandardOutput.Trim()}")
            : new SpawnerHealth(false, $"slurm: the controller does not answer 'scontrol ping': {(ping.StandardOutput + ping.StandardError).Trim()}");
    }

    private async Task<bool> GoneWithinAsync(string state, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + limit;
        while (true)
        {
            var status = await PollAsync(state, cancellationToken);
            if (!status.Running)
            {
                return true;
            }

            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(StopPoll, time, cancellationToken);
        }
    }

    /// <summary>Slurm's "exit:signal" as one code (128+signal when killed by a signal), or null.</summary>
    private static int? ExitStatus(string exitCode)
    {
        var parts = exitCode.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var code) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var signal))
        {
            return null;
        }

        return signal > 0 ? 128 + signal : code;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "submitted the server of {User} as Slurm job {JobId} (user {UnixUser})")]
    private static partial void LogSubmitted(ILogger logger, string user, long jobId, string unixUser);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sbatch refused the server of {User}: {Why}")]
    private static partial void LogSubmitFailed(ILogger logger, string user, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "cancelling Slurm job {JobId}")]
    private static partial void LogCancelling(ILogger logger, long jobId);
}
