namespace Classhub.Spawning.Unix;

/// <summary>A Unix account as the password database describes it, with its supplementary groups.</summary>
internal sealed record UnixAccount(string Name, uint Uid, uint Gid, string Home, string Shell, IReadOnlyList<uint> Groups);
