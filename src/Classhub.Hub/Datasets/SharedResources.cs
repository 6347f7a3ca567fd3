using Classhub.Core.Datasets;
using Classhub.Hub.Hosting;
using Classhub.Storage.Datasets;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Datasets;

/// <summary>
/// What a user's server gets from their courses before it starts: their datasets put in place (see
/// <see cref="IDatasetMounts"/>) and JUPYTER_PATH pointing at their courses' kernels.
/// </summary>
internal sealed partial class SharedResources(IDatasetMounts mounts, DatasetStore store, KernelPaths kernels, HubOptions options, ILogger<SharedResources> logger)
{
    /// <summary>Puts the user's datasets in place and adds JUPYTER_PATH to <paramref name="environment"/>; returns the dataset root for the spawner.</summary>
    public async Task<string?> PrepareAsync(string userName, IDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var path = kernels.JupyterPathFor(store.ActiveCoursesOf(userName));
        if (path.Length > 0)
        {
            environment["JUPYTER_PATH"] = path;
        }

        await EnsureAsync(userName, cancellationToken);
        return mounts.RootFor(userName);
    }

    /// <summary>Makes the user's dataset tree match their active courses; problems are logged, never thrown.</summary>
    public async Task EnsureAsync(string userName, CancellationToken cancellationToken)
    {
        var problems = await mounts.EnsureAsync(userName, options.RunAsUnixUsers ? userName : null, store.VisibleTo(userName), cancellationToken);
        foreach (var problem in problems)
        {
            LogProblem(logger, problem);
        }
    }

    /// <summary>Takes the user's dataset tree down after their server stopped; failures are logged, never thrown.</summary>
    public async Task ReleaseAsync(string userName)
    {
        try
        {
            await mounts.ReleaseAsync(userName, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogProblem(logger, $"taking down the datasets of {userName}: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
