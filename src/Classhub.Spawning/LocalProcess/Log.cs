using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.LocalProcess;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Started server for {User} as {UnixUser}: pid {Pid}, port {Port}")]
    public static partial void ServerStarted(ILogger logger, string user, string unixUser, int pid, int port);

    [LoggerMessage(4, LogLevel.Information, "Stopping server pid {Pid} (process group {ProcessGroup}), grace {Grace}")]
    public static partial void Stopping(ILogger logger, int pid, int processGroup, TimeSpan grace);

    [LoggerMessage(5, LogLevel.Warning, "Server process group {ProcessGroup} outlived its grace of {Grace}; sending SIGKILL")]
    public static partial void Killing(ILogger logger, int processGroup, TimeSpan grace);

    [LoggerMessage(6, LogLevel.Error, "Server process group {ProcessGroup} still has live processes after SIGKILL")]
    public static partial void StillAlive(ILogger logger, int processGroup);

    [LoggerMessage(7, LogLevel.Warning, "A CPU limit was asked for {User}, but the local-process spawner cannot apply one; use the systemd spawner")]
    public static partial void CpuLimitIgnored(ILogger logger, string user);
}
