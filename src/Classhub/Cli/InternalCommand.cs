using System.Globalization;
using Classhub.Spawning.Datasets;
using Classhub.Spawning.Unix;

namespace Classhub.Cli;

/// <summary>
/// <c>classhub internal mount-datasets SOURCE HOME UID GID [-- PROGRAM ARGS...]</c>: a step of a server's launch chain
/// that the spawners run as root inside the server's mount namespace (<see cref="DatasetsMountStep"/>), then, when a
/// program follows, exec of it (same pid). Not for people. Parsed by hand, before the command-line library, which
/// would read an argument starting with '@' as a response file, as root: exactly these words or a usage error.
/// </summary>
internal static class InternalCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "internal";

    public static int Run(string[] args)
    {
        if (args is not ["internal", "mount-datasets", var source, var home, var uidText, var gidText, .. var rest]
            || !uint.TryParse(uidText, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !uint.TryParse(gidText, NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
            || !Path.IsPathFullyQualified(source) || !Path.IsPathFullyQualified(home) || uid == 0
            || (rest.Length > 0 && (rest[0] != "--" || rest.Length == 1)))
        {
            Console.Error.WriteLine("classhub internal: usage: classhub internal mount-datasets SOURCE HOME UID GID [-- PROGRAM ARGS...] (run by the spawners, not by people)");
            return CommandLine.Usage;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("classhub internal mount-datasets: needs root");
            return CommandLine.Failed;
        }

        var code = DatasetsMountStep.Run(source, home, uid, gid, Console.Error);
        if (code != 0 || rest.Length == 0)
        {
            return code;
        }

        var errno = Exec.Replace(rest[1..]);
        Console.Error.WriteLine($"classhub: could not run {rest[1]}: {LibC.Describe(errno)}");
        return 127;
    }
}
