using Classhub.Core.Users;

namespace Classhub.Spawning.Slurm;

/// <summary>How the hub talks to Slurm, from the <c>slurm.*</c> and <c>hub.connect_url</c> configuration keys.</summary>
internal sealed record SlurmSpawnerOptions
{
    /// <summary>Hub-wide job settings; a course's own settings override them.</summary>
    public SlurmJobSettings Defaults { get; init; } = SlurmJobSettings.Default;

    /// <summary>Which accounts a job may be submitted as at all.</summary>
    public AccountRules Accounts { get; init; } = new();

    /// <summary>How long a job may wait in the queue before the start is given up (and the job cancelled).</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The hub's URL as compute nodes reach it (its API is under <c>hub/api</c>); null: the environment's own API URL.</summary>
    public Uri? ConnectUrl { get; init; }

    /// <summary>Runs a program as another user (sbatch is run as the student so the job is theirs).</summary>
    public string RunUser { get; init; } = "runuser";

    public string Sbatch { get; init; } = "sbatch";

    /// <summary>PATH of the job (and of sbatch): the programs the server needs on the nodes.</summary>
    public string JobPath { get; init; } = "/usr/local/bin:/usr/bin:/bin";

    public string Squeue { get; init; } = "squeue";

    public string Scontrol { get; init; } = "scontrol";

    public string Scancel { get; init; } = "scancel";
}
