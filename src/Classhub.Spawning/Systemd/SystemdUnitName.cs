using System.Text.RegularExpressions;

namespace Classhub.Spawning.Systemd;

/// <summary>
/// Unit names of servers. User names are <c>[a-z_][a-z0-9_.-]*</c> (see <c>UserName</c>), all of which are legal in
/// unit names as they are, so no escaping is needed and the name stays readable in <c>systemctl</c>.
/// </summary>
internal static partial class SystemdUnitName
{
    public static string For(string prefix, string user) => $"{prefix}{user}.service";

    /// <summary>True for a name this spawner could have made; guards every systemctl call made from saved state.</summary>
    public static bool IsServerUnit(string unit) => Pattern().IsMatch(unit);

    [GeneratedRegex(@"^[A-Za-z0-9_.:-]+-[a-z_][a-z0-9_.-]{0,31}\.service$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
