using System.Globalization;

namespace Classhub.Spawning.Systemd;

/// <summary>The properties of a unit that Poll and Stop need, parsed from <c>systemctl show -p ...</c> (KEY=VALUE lines).</summary>
internal sealed record UnitStatus(string LoadState, string ActiveState, string SubState, int? ExecMainStatus, int MainPid)
{
    public static readonly IReadOnlyList<string> Properties = ["LoadState", "ActiveState", "SubState", "ExecMainStatus", "MainPID", "Result"];

    /// <summary>Alive: started, starting, or still stopping (its processes may still hold files and the port).</summary>
    public bool IsAlive => ActiveState is "active" or "activating" or "deactivating" or "reloading";

    public static UnitStatus Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        string Get(string key) => values.TryGetValue(key, out var v) ? v : "";
        int? Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new UnitStatus(Get("LoadState"), Get("ActiveState"), Get("SubState"), Int("ExecMainStatus"), Int("MainPID") ?? 0);
    }
}
