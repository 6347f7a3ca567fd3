using Classhub.Core.Datasets;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Datasets;

/// <summary>
/// Datasets as read-only bind mounts (root). Each user has <c>Root/&lt;user&gt;</c>, bound onto itself and made
/// shared before their server starts; the spawner binds it read-only onto <c>~/datasets</c> in the server's own
/// mount namespace (a slave), so a dataset mounted or unmounted here later reaches the running server.
/// A dataset is bound at a private staging point first and made read-only there, then bound into the shared
/// tree: the copy that propagates is read-only from its first moment (a bind followed by a remount would
/// propagate the writable bind, and remounts do not propagate). Removal is a lazy unmount, which propagates.
/// </summary>
internal sealed partial class LinuxDatasetMounts(DatasetMountOptions options, ILogger<LinuxDatasetMounts> logger) : IDatasetMounts
{
    private readonly Lock _gate = new();

    // What each mounted dataset was bound from, so a dataset re-added with another path is remounted.
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    public bool ReadOnlyByKernel => true;

    public string? RootFor(string userName) => Path.Combine(options.Root, userName);

    public string? HomeDirectoryOf(string unixUser) => UnixAccounts.FindByName(unixUser)?.Home;

    public Task<IReadOnlyList<string>> EnsureAsync(string userName, string? unixUser, IReadOnlyList<DatasetMount> datasets, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string>>(EnsureCore(userName, datasets, cancellationToken));
        }
    }

    public Task ReleaseAsync(string userName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Release(userName);
            return Task.CompletedTask;
        }
    }

    private void Release(string userName)
    {
        var userRoot = RootFor(userName)!;
        if (!Directory.Exists(userRoot))
        {
            return;
        }

        if (MountTable.MountPoints(options.MountInfoPath).Contains(userRoot))
        {
            if (BindMounts.Detach(userRoot) is { } failed)
            {
                LogReleaseFailed(logger, userName, failed);
                return;
            }
        }

        foreach (var key in _sources.Keys.Where(k => k.StartsWith(userName + "/", StringComparison.Ordinal)).ToList())
        {
            _sources.Remove(key);
        }

        // Never recursive: after the unmount only empty mount-point folders are left.
        var mounted = MountTable.MountPoints(options.MountInfoPath);
        foreach (var dir in Directory.EnumerateDirectories(userRoot).Where(d => !mounted.Contains(d)))
        {
            TryDelete(dir);
        }

        TryDelete(userRoot);
    }

    private List<string> EnsureCore(string userName, IReadOnlyList<DatasetMount> datasets, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var doing = $"updating the datasets of {userName}";
        var userRoot = RootFor(userName)!;
        Directory.CreateDirectory(options.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(options.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var staging = Path.Combine(options.Root, ".staging");
        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(userRoot);

        var mounted = MountTable.MountPoints(options.MountInfoPath);
        if (!mounted.Contains(userRoot))
        {
            var made = BindMounts.Bind(userRoot, userRoot) ?? BindMounts.MakeShared(userRoot);
            if (made is not null)
            {
                problems.Add($"{doing}: making {userRoot} a shared mount point failed: {made}");
                return problems;
            }

            mounted = MountTable.MountPoints(options.MountInfoPath);
        }

        var wanted = datasets.ToDictionary(d => d.Name, d => d.SourcePath, StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(userRoot))
        {
            var name = Path.GetFileName(dir);
            var key = $"{userName}/{name}";
            var stale = !wanted.TryGetValue(name, out var source) || (_sources.TryGetValue(key, out var was) && was != source);
            if (!stale)
            {
                continue;
            }

            if (mounted.Contains(dir))
            {
                if (BindMounts.Detach(dir) is { } failed)
                {
                    problems.Add($"{doing}: removing dataset '{name}' ({dir}): {failed}");
                    continue;
                }

                mounted.Remove(dir);
                LogRemoved(logger, name, userName);
            }

            _sources.Remove(key);
            TryDelete(dir);
        }

        foreach (var (name, source) in wanted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(userRoot, name);
            if (mounted.Contains(target))
            {
                continue;
            }

            if (!Directory.Exists(source))
            {
                problems.Add($"{doing}: dataset '{name}': its folder '{source}' does not exist (any more); remove the dataset or restore the folder");
                continue;
            }

            var stage = Path.Combine(staging, $"{userName}.{name}.{Guid.NewGuid():N}");
            Directory.CreateDirectory(stage);
            Directory.CreateDirectory(target);
            // The source is bound from a descriptor opened without following symlinks: a folder someone can write
            // (a TA's, under /srv) swapped for a link since the dataset was checked is refused, never followed.
            var failed = BindMounts.BindWithoutSymlinks(source, stage) ?? BindMounts.MakeReadOnly(stage) ?? BindMounts.Bind(stage, target);
            BindMounts.Detach(stage);
            TryDelete(stage);
            if (failed is not null)
            {
                TryDelete(target);
                problems.Add($"{doing}: mounting dataset '{name}' from '{source}' read-only failed: {failed}");
                continue;
            }

            _sources[$"{userName}/{name}"] = source;
            LogMounted(logger, name, source, userName);
        }

        return problems;
    }

    private static void TryDelete(string emptyDirectory)
    {
        try
        {
            Directory.Delete(emptyDirectory, recursive: false);
        }
        catch (IOException)
        {
            // Still a mount point somewhere (a lazy unmount in progress) or not empty: left for the next pass.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dataset {Name} ({Source}) mounted read-only for {User}")]
    private static partial void LogMounted(ILogger logger, string name, string source, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "taking down the dataset tree of {User} failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string user, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "dataset {Name} unmounted for {User}")]
    private static partial void LogRemoved(ILogger logger, string name, string user);
}
