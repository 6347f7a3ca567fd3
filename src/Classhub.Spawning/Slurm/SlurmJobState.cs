using System.Globalization;

namespace Classhub.Spawning.Slurm;

/// <summary>One job as <c>squeue</c> or <c>scontrol</c> reports it.</summary>
/// <param name="State">Slurm's state name: PENDING, RUNNING, COMPLETING, CANCELLED, FAILED, TIMEOUT, ...</param>
/// <param name="Reason">Slurm's reason (Resources, Priority, None, ...), or empty.</param>
internal sealed record SlurmJobState(string State, string Reason, string Partition, string ExitCode)
{
    /// <summary>States in which the job still holds (or waits for) a node.</summary>
    public bool Alive => State is "PENDING" or "CONFIGURING" or "RUNNING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING" or "SIGNALING" or "STAGE_OUT";

    public bool Pending => State is "PENDING" or "CONFIGURING" or "REQUEUED";

    /// <summary>The <c>squeue -o</c> format that <see cref="ParseSqueue"/> reads.</summary>
    public const string SqueueFormat = "%T|%r|%P";

    /// <summary>A line of <c>squeue -h -j ID -o "%T|%r|%P"</c>; null when the job is not in the queue (empty output).</summary>
    public static SlurmJobState? ParseSqueue(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (line is null)
        {
            return null;
        }

        var parts = line.Split('|');
        return parts.Length < 3 ? null : new SlurmJobState(parts[0], parts[1], parts[2], "");
    }

    /// <summary>The output of <c>scontrol -o show job ID</c> (one line of Key=Value pairs); null when it has no JobState.</summary>
    public static SlurmJobState? ParseScontrol(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields.TryAdd(token[..eq], token[(eq + 1)..]);
            }
        }

        return fields.TryGetValue("JobState", out var state)
            ? new SlurmJobState(state, fields.GetValueOrDefault("Reason", ""), fields.GetValueOrDefault("Partition", ""), fields.GetValueOrDefault("ExitCode", ""))
            : null;
    }

    /// <summary>The output of <c>sbatch --parsable</c>: "id" or "id;cluster"; null when it is not a job id.</summary>
    public static long? ParseJobId(string output)
    {
        var first = output.Trim().Split(';')[0];
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }

    /// <summary>1-based position of <paramref name="jobId"/> in <c>squeue -h -t PENDING -o %i</c> output sorted by priority; null when absent.</summary>
    public static int? QueuePosition(string output, long jobId)
    {
        var ids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(ids, jobId.ToString(CultureInfo.InvariantCulture));
        return index < 0 ? null : index + 1;
    }

    /// <summary>What the spawn page says about a job that ended.</summary>
    public string EndedDetail(long jobId)
    {
        var why = Reason is { Length: > 0 } and not "None" ? $", reason: {Reason}" : "";
        var exit = ExitCode is { Length: > 0 } and not "0:0" ? $", exit code {ExitCode}" : "";
        return State switch
        {
            "CANCELLED" => $"Slurm job {jobId} was cancelled (CANCELLED{why}{exit})",
            "COMPLETED" => $"Slurm job {jobId} ended (COMPLETED{exit})",
            _ => $"Slurm job {jobId} ended: {State}{why}{exit}",
        };
    }
}
