using Classhub.Core.Servers;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning;

/// <summary>
/// The frame every spawner's <c>StartAsync</c> shares: a request without a command is the caller's bug (thrown);
/// everything else that goes wrong comes back from the spawner as a failed <see cref="SpawnResult"/>, logged here once.
/// </summary>
internal static partial class SpawnAttempt
{
    public static async Task<SpawnResult> RunAsync(
        SpawnRequest request, ILogger logger, Func<SpawnRequest, CancellationToken, Task<SpawnResult>> tryStart, CancellationToken cancellationToken)
    {
        if (request.Command.Count == 0)
        {
            throw new ArgumentException("the spawn request has an empty command", nameof(request));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = await tryStart(request, cancellationToken);
        if (result.Failure is { } failure)
        {
            SpawnFailed(logger, request.UserName, failure.Reason, failure.Message);
        }

        return result;
    }

    [LoggerMessage(3, LogLevel.Warning, "Could not start server for {User} ({Reason}): {Message}")]
    private static partial void SpawnFailed(ILogger logger, string user, string reason, string message);
}
