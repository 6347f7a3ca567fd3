using System.Globalization;
using Classhub.Core.Servers;

namespace Classhub.Composition;

/// <summary>
/// Per-server limits from the configuration (spawner.memory_limit, spawner.cpu_limit, spawner.tasks_limit):
/// memory as bytes with an optional K/M/G/T suffix (powers of 1024, like systemd's MemoryMax=), CPUs as a decimal
/// number of cores; empty or 0 means no limit.
/// </summary>
internal static class SpawnerLimits
{
    /// <summary>The limits, or null and what is wrong (with the fix) in <paramref name="problem"/>.</summary>
    public static ResourceLimits? Parse(string memory, string cpu, int tasks, out string? problem)
    {
        problem = null;
        long? bytes = null;
        if (memory.Trim() is { Length: > 0 } m)
        {
            var multiplier = char.ToUpperInvariant(m[^1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                'T' => 1L << 40,
                _ => 1L,
            };
            var digits = multiplier == 1 ? m : m[..^1];
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > long.MaxValue / multiplier)
            {
                problem = $"spawner.memory_limit \"{memory}\" is not a size; write e.g. \"2G\", \"512M\", or \"\" for no limit";
                return null;
            }

            bytes = n * multiplier;
        }

        double? cores = null;
        if (cpu.Trim() is { Length: > 0 } c)
        {
            if (!double.TryParse(c, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 4096)
            {
                problem = $"spawner.cpu_limit \"{cpu}\" is not a number of cores; write e.g. \"1.5\", or \"\" for no limit";
                return null;
            }

            cores = n;
        }

        if (tasks < 0)
        {
            problem = $"spawner.tasks_limit {tasks} is negative; write a positive number, or 0 for no limit";
            return null;
        }

        return new ResourceLimits(bytes, cores, tasks > 0 ? tasks : null);
    }
}
