namespace Classhub.Core.Users;

/// <summary>A Unix account as the machine's password and group databases describe it.</summary>
/// <param name="Name">The login name.</param>
/// <param name="Home">The home folder from the password database (absolute).</param>
/// <param name="Groups">Every group the account is in, its primary group included.</param>
public sealed record SystemAccount(string Name, uint Uid, uint Gid, string Home, IReadOnlyList<SystemGroup> Groups);

/// <summary>A group of the group database; <paramref name="Name"/> is the number itself when the group has no entry.</summary>
public readonly record struct SystemGroup(uint Id, string Name);

/// <summary>What the hub found when it looked at a home folder (by descriptor, never through a symlink).</summary>
/// <param name="OwnerUid">The folder's owner.</param>
/// <param name="Mode">The permission bits (07777).</param>
/// <param name="CreatedAt">The folder's birth time, when the file system records one (ext4, xfs, btrfs do; NFS does not).</param>
public sealed record HomeInfo(uint OwnerUid, uint Mode, DateTimeOffset? CreatedAt)
{
    /// <summary>True when nobody but the owner may enter or list the folder.</summary>
    public bool IsPrivate => (Mode & 0x3F) == 0;
}
