namespace Classhub.Core.Servers;

/// <summary>
/// What the hub asks a spawner to start.
/// </summary>
/// <param name="UserName">The hub user the server belongs to.</param>
/// <param name="UnixUser">The Unix account to run as (the one the hub bound the user to), or null to run as the hub's own user (development mode).</param>
/// <param name="Command">Program and arguments (no secrets); the spawner appends its own listen arguments.</param>
/// <param name="Environment">The JupyterHub environment for the server, secrets included; never logged.</param>
/// <param name="LogPath">File the server's stdout and stderr are appended to (readable by admins only).</param>
/// <param name="Limits">Resource limits; null fields mean no limit.</param>
public sealed record SpawnRequest(
    string UserName,
    string? UnixUser,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string LogPath,
    ResourceLimits Limits)
{
    /// <summary>The URL prefix the server is reached under through the proxy, e.g. <c>/user/alice/</c>.</summary>
    public string ServicePrefix => $"/user/{UserName}/";

    /// <summary>
    /// A directory (a shared mount point, see <see cref="Datasets.IDatasetMounts"/>) the spawner shows read-only at
    /// <c>~/datasets</c> in the server's own mount namespace, as a slave so later changes under it reach the
    /// running server; null for none.
    /// </summary>
    public string? DatasetRoot { get; init; }

    /// <summary>
    /// The uid the hub recorded for <see cref="UnixUser"/> when it bound the user to it. A spawner runs a server only as
    /// an account with exactly this uid (an account deleted and made again under the name is someone else's), and
    /// refuses a request that names a Unix user without it.
    /// </summary>
    public uint? UnixUid { get; init; }

    /// <summary>
    /// Called with the server's state, and its address when the spawner knows it already, as soon as the server is
    /// placed and before it runs anything of the user's: the hub records the server here. A spawner that can hold the
    /// server back until this returns does so (the local-process spawner's server waits on a pipe only the hub
    /// writes to), so a hub killed at any instant either has the server in its database or the server never ran.
    /// Null: nobody asks. An exception from it stops the server and fails the start.
    /// </summary>
    public Func<string, Uri?, Task>? Placed { get; init; }
}
