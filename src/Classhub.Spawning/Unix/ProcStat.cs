using System.Globalization;

namespace Classhub.Spawning.Unix;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> the spawner needs. <see cref="StartTime"/> (field 22, clock ticks since boot)
/// tells our process from a later one that reused its PID.
/// </summary>
internal sealed record ProcStat(int Pid, char State, int ProcessGroup, int Session, ulong StartTime)
{
    public bool IsZombie => State is 'Z' or 'X' or 'x';

    /// <summary>The stat of <paramref name="pid"/>, or null when there is no such process.</summary>
    public static ProcStat? Read(int pid, string procRoot = "/proc")
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>Parses one stat line; the command name (field 2) may contain spaces and parentheses.</summary>
    public static ProcStat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (close < 0 || open < 0)
        {
            return null;
        }

        // After ")": field 3 (state) is index 0, so field N is index N - 3.
        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 20)
        {
            return null;
        }

        return new ProcStat(
            int.Parse(text[..open].Trim(), CultureInfo.InvariantCulture),
            rest[0][0],
            int.Parse(rest[5 - 3], CultureInfo.InvariantCulture),
            int.Parse(rest[6 - 3], CultureInfo.InvariantCulture),
            ulong.Parse(rest[22 - 3], CultureInfo.InvariantCulture));
    }

    /// <summary>True when some process that is not a zombie belongs to process group <paramref name="pgid"/>.</summary>
    public static bool GroupHasLiveMembers(int pgid, string procRoot = "/proc")
    {
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var stat = Read(pid, procRoot);
            if (stat is not null && stat.ProcessGroup == pgid && !stat.IsZombie)
            {
                return true;
            }
        }

        return false;
    }
}
