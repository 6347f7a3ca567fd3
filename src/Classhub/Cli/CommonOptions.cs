using System.CommandLine;

namespace Classhub.Cli;

/// <summary>Options every command understands.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "State directory (default: $CLASSHUB_DATA_DIR, else /var/lib/classhub as root, ./.classhub with --dev or as a normal user)",
        Recursive = true,
    };

    public static readonly Option<bool> Dev = new("--dev")
    {
        Description = "Development mode: local state in ./.classhub, plain HTTP on 127.0.0.1, a demo user",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON" };
}
