using Classhub.Core.Datasets;
using Classhub.Hub.Hosting;
using Classhub.Storage.Datasets;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Datasets;

/// <summary>
/// What a user's server gets from their courses before it starts: their datasets put in place (see
/// <see cref="IDatasetMounts"/>) and JUPYTER_PATH pointing at their courses' kernels.
/// </summary>
internal sealed partial class SharedResources(IDatasetMounts mounts, DatasetStore store, KernelPaths kernels, DatasetPolicy policy, HubOptions options, ILogger<SharedResources> logger)
{
    // What each user's tree holds, as last put in place without problems.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<DatasetMount>> _applied = new(StringComparer.Ordinal);

    /// <summary>Puts the user's datasets in place and adds JUPYTER_PATH to <paramref name="environment"/>; returns the dataset root for the spawner.</summary>
    public async Task<string?> PrepareAsync(string userName, IDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var path = kernels.JupyterPathFor(store.ActiveCoursesOf(userName));
        if (path.Length > 0)
        {
            environment["JUPYTER_PATH"] = path;
        }

        await ApplyAsync(userName, store.VisibleTo(userName), cancellationToken);
        return mounts.RootFor(userName);
    }

    /// <summary>
    /// Brings the named users' dataset trees in line with their active courses; returns the users whose trees were
    /// updated. Called after every database change, most of which touch no dataset or course: one query answers for
    /// everyone, and a tree is only touched when what the user should see differs from what was last put in place
    /// without problems (a tree with problems is tried again every time). Problems are logged, never thrown.
    /// </summary>
    public async Task<IReadOnlyList<string>> UpdateAsync(IReadOnlyList<string> userNames, CancellationToken cancellationToken)
    {
        var visible = store.VisibleToEveryone();
        var updated = new List<string>();
        foreach (var user in userNames)
        {
            var wanted = visible.TryGetValue(user, out var datasets) ? datasets : [];
            if (_applied.TryGetValue(user, out var applied) && applied.SequenceEqual(wanted))
            {
                continue;
            }

            await ApplyAsync(user, wanted, cancellationToken);
            updated.Add(user);
        }

        return updated;
    }

    private async Task ApplyAsync(string userName, IReadOnlyList<DatasetMount> wanted, CancellationToken cancellationToken)
    {
        _applied.TryRemove(userName, out _);

        // A dataset stored before system folders were refused (or put in the database by hand) is never mounted.
        var allowed = new List<DatasetMount>(wanted.Count);
        foreach (var dataset in wanted)
        {
            if (policy.SystemFolderProblem(dataset.SourcePath) is { } refused)
            {
                LogProblem(logger, $"not mounting dataset '{dataset.Name}' for {userName}: '{dataset.SourcePath}' {refused}; remove it with 'classhub dataset remove'");
                continue;
            }

            allowed.Add(dataset);
        }

        var problems = await mounts.EnsureAsync(userName, options.RunAsUnixUsers ? userName : null, allowed, cancellationToken);
        foreach (var problem in problems)
        {
            LogProblem(logger, problem);
        }

        if (problems.Count == 0)
        {
            _applied[userName] = wanted;
        }
    }

    /// <summary>Takes the user's dataset tree down after their server stopped; failures are logged, never thrown.</summary>
    public async Task ReleaseAsync(string userName)
    {
        _applied.TryRemove(userName, out _);
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
