using System.CommandLine;
using Classhub.Configuration;
using Classhub.Hosting;

namespace Classhub.Cli;

/// <summary><c>classhub serve</c>: run the hub.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Listen with plain HTTP here, overriding the configuration (--dev default: http://127.0.0.1:8000)" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The URL people use to reach the hub, for printed links (default: the first --urls)" };
        var idleTimeout = new Option<int?>("--idle-timeout") { Description = "Stop servers idle for this many seconds (default 3600; 0 = never)" };
        var cullInterval = new Option<int?>("--cull-interval") { Description = "How often to look for idle servers, in seconds (default 60)" };
        var startTimeout = new Option<int?>("--start-timeout") { Description = "Give up on a server that is not ready after this many seconds (default 60)" };
        var command = new Command("serve", "Run the hub: sign-in, API, pages and the proxy to each user's server")
        {
            urls, publicUrl, idleTimeout, cullInterval, startTimeout,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = new ServeSettings(
                DataDirectory.Resolve(parsed),
                parsed.GetValue(CommonOptions.Dev),
                parsed.GetValue(urls),
                parsed.GetValue(publicUrl),
                parsed.GetValue(idleTimeout),
                parsed.GetValue(cullInterval),
                parsed.GetValue(startTimeout));
            return await HubHost.RunAsync(settings, ConfigLocation.Load(parsed), cancellationToken);
        });
        return command;
    }
}

/// <summary>What <c>serve</c> was asked for, before defaults and checks.</summary>
internal sealed record ServeSettings(string DataDir, bool Dev, string? Urls, string? PublicUrl, int? IdleTimeoutSeconds, int? CullIntervalSeconds, int? StartTimeoutSeconds);
