using System.CommandLine;
using Classhub.Configuration;

namespace Classhub.Cli;

/// <summary>
/// Where the state lives: --data-dir, else $CLASSHUB_DATA_DIR, else (as root, not --dev) the configuration's data_dir
/// (default /var/lib/classhub), else ./.classhub.
/// </summary>
internal static class DataDirectory
{
    public static string Resolve(ParseResult parsed)
    {
        var explicitDir = parsed.GetValue(CommonOptions.DataDir);
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return Path.GetFullPath(explicitDir);
        }

        if (Environment.GetEnvironmentVariable("CLASSHUB_DATA_DIR") is { Length: > 0 } fromEnv)
        {
            return Path.GetFullPath(fromEnv);
        }

        return !parsed.GetValue(CommonOptions.Dev) && Environment.IsPrivilegedProcess
            ? ConfigLocation.Load(parsed).Text("data_dir")
            : Path.GetFullPath(".classhub");
    }

    /// <summary>Creates the directory (mode 0700: it holds the database and logs) if it does not exist.</summary>
    public static void Ensure(string dir)
    {
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
