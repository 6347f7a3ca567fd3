using Classhub.Core.Results;

namespace Classhub.Core.Users;

/// <summary>The Unix account whose home receives a user's course files.</summary>
/// <param name="Name">The account name: the hub user's own name, unless an admin linked another account.</param>
/// <param name="Home">The home folder, absolute; it exists when returned by <see cref="IUnixAccounts.EnsureAsync"/>.</param>
public sealed record HomeAccount(string Name, uint Uid, uint Gid, string Home);

/// <summary>
/// Plug point: where a hub user's files live. Implemented by the hub's account binding when the hub runs as root (the
/// account classhub created for the user, made with useradd when missing as a server start would, or one an admin
/// linked; never another account that merely has the same name) and by a development implementation (folders under
/// the data dir owned by the invoking user) otherwise.
/// Contract: <see cref="EnsureAsync"/> is idempotent and safe to call concurrently for the same name; on success the
/// home exists; an expected failure (invalid name, an account classhub may not use, useradd failed) is a
/// <see cref="Results.Failure"/> whose message names the user; it never throws for those. Cancellation may leave an
/// account created (never half-created: useradd is not interrupted).
/// </summary>
public interface IUnixAccounts
{
    /// <summary>True when files written for users must be chowned to them (the hub runs as root).</summary>
    bool OwnsPerUser { get; }

    Task<Result<HomeAccount>> EnsureAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// The user's account as it is, for reading their files: null when there is none or its home does not exist.
    /// Creates nothing. Never an account of the system (uid below 1000, or root), whatever its name.
    /// </summary>
    HomeAccount? Find(string userName);
}
