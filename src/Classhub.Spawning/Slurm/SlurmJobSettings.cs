namespace Classhub.Spawning.Slurm;

/// <summary>
/// The resources a course asks Slurm for (sbatch options); empty or zero means the cluster's default.
/// A course's own settings override the hub-wide <c>slurm.*</c> configuration field by field (<see cref="Over"/>).
/// </summary>
internal sealed record SlurmJobSettings(string Partition = "", string TimeLimit = "", string Memory = "", int Cpus = 0, int Gpus = 0)
{
    public static readonly SlurmJobSettings Default = new();

    /// <summary>These settings, with every unset field taken from <paramref name="fallback"/>.</summary>
    public SlurmJobSettings Over(SlurmJobSettings fallback) => new(
        Partition.Length > 0 ? Partition : fallback.Partition,
        TimeLimit.Length > 0 ? TimeLimit : fallback.TimeLimit,
        Memory.Length > 0 ? Memory : fallback.Memory,
        Cpus > 0 ? Cpus : fallback.Cpus,
        Gpus > 0 ? Gpus : fallback.Gpus);

    /// <summary>What is wrong with a value, or null; checked before anything reaches sbatch's command line.</summary>
    public string? Problem()
    {
        if (Partition.Length > 0 && !Partition.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ','))
        {
            return $"partition '{Partition}' may only contain letters, digits, '_', '-', '.' and ','";
        }

        if (TimeLimit.Length > 0 && !TimeLimit.All(c => char.IsAsciiDigit(c) || c is ':' or '-'))
        {
            return $"time limit '{TimeLimit}' is not a Slurm time like 4:00:00 or 1-00:00:00";
        }

        if (Memory.Length > 0 && !(char.IsAsciiDigit(Memory[0]) && Memory.All(c => char.IsAsciiDigit(c) || c is 'K' or 'M' or 'G' or 'T')))
        {
            return $"memory '{Memory}' is not a Slurm size like 4G or 500M";
        }

        return Cpus < 0 || Gpus < 0 ? "cpus and gpus must be 0 (the cluster's default) or more" : null;
    }
}
