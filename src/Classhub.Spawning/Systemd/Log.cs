using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Systemd;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Started server for {User} as {UnixUser}: unit {Unit}, port {Port}")]
    public static partial void ServerStarted(ILogger logger, string user, string unixUser, string unit, int port);

    [LoggerMessage(103, LogLevel.Information, "Stopping unit {Unit}, grace {Grace}")]
    public static partial void Stopping(ILogger logger, string unit, TimeSpan grace);

    [LoggerMessage(104, LogLevel.Warning, "Unit {Unit} outlived its grace of {Grace}; sending SIGKILL")]
    public static partial void Killing(ILogger logger, string unit, TimeSpan grace);

    [LoggerMessage(105, LogLevel.Error, "Unit {Unit} is still active after SIGKILL")]
    public static partial void StillAlive(ILogger logger, string unit);

    [LoggerMessage(106, LogLevel.Warning, "Could not read the state of unit {Unit} (systemctl exit code {ExitCode}): {Error}; assuming it still runs")]
    public static partial void PollFailed(ILogger logger, string unit, int exitCode, string error);

    [LoggerMessage(107, LogLevel.Information, "Replacing the left-over unit {Unit} ({ActiveState})")]
    public static partial void ReplacingLeftover(ILogger logger, string unit, string activeState);
}
