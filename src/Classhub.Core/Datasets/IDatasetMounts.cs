namespace Classhub.Core.Datasets;

/// <summary>
/// Puts each user's datasets where their server sees them, read-only (plug point: Linux bind mounts when root,
/// symlinks in development mode).
/// <para>
/// Contract: <see cref="EnsureAsync"/> makes the user's tree show exactly the given datasets — adding the missing,
/// removing the others — and is idempotent; calls for one user are serialized by the implementation. Changes
/// reach a server that is already running when <see cref="RootFor"/> is not null (the root is a shared mount
/// point the spawner shows read-only at <c>~/datasets</c> inside the server's mount namespace, as a slave, so
/// later mounts and unmounts under it propagate). A failure for one dataset does not stop the others; each is
/// returned as a message saying what was being done. Cancellation stops between datasets.
/// </para>
/// </summary>
public interface IDatasetMounts
{
    /// <summary>True when datasets are enforced read-only by the kernel (bind mounts); false for the symlink fallback.</summary>
    bool ReadOnlyByKernel { get; }

    /// <summary>The user's dataset root for the spawner to bind read-only onto <c>~/datasets</c>, or null when the implementation places <c>~/datasets</c> itself.</summary>
    string? RootFor(string userName);

    /// <summary>Makes the user's tree show exactly <paramref name="datasets"/>; returns the problems (empty when all is well).</summary>
    Task<IReadOnlyList<string>> EnsureAsync(string userName, string? unixUser, IReadOnlyList<DatasetMount> datasets, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the user's tree down entirely (every dataset unmounted, the root removed) once their server has stopped;
    /// idempotent, and a no-op for implementations with nothing to take down.
    /// </summary>
    Task ReleaseAsync(string userName, CancellationToken cancellationToken);

    /// <summary>The home directory of the Unix account <paramref name="unixUser"/>, or null when there is no such account.</summary>
    string? HomeDirectoryOf(string unixUser);
}
