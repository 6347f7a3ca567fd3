using System.CommandLine;
using Classhub.Cli;

namespace Classhub.Configuration;

/// <summary>Which file: --config, else $CLASSHUB_CONFIG, else /etc/classhub/classhub.json (none in --dev unless given).</summary>
internal static class ConfigLocation
{
    public static readonly Option<string?> Option = new("--config")
    {
        Description = $"Configuration file (default: $CLASSHUB_CONFIG, else {ConfigSchema.DefaultPath}; --dev reads none unless given)",
        Recursive = true,
    };

    public static string PathOf(ParseResult parsed)
    {
        if (parsed.GetValue(Option) is { Length: > 0 } given)
        {
            return System.IO.Path.GetFullPath(given);
        }

        return Environment.GetEnvironmentVariable("CLASSHUB_CONFIG") is { Length: > 0 } env ? System.IO.Path.GetFullPath(env) : ConfigSchema.DefaultPath;
    }

    public static HubConfig Load(ParseResult parsed)
    {
        var explicitFile = parsed.GetValue(Option) is { Length: > 0 } || Environment.GetEnvironmentVariable("CLASSHUB_CONFIG") is { Length: > 0 };
        return parsed.GetValue(CommonOptions.Dev) && !explicitFile ? HubConfig.Defaults() : HubConfig.Load(PathOf(parsed));
    }
}
