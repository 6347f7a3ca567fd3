namespace Classhub.Storage.Accounts;

/// <summary>A row of <c>unix_accounts</c>; mapped to <see cref="StoredUnixAccount"/> at the boundary.</summary>
internal sealed class UnixAccountRow
{
    public string UnixName { get; set; } = "";

    public long? UserId { get; set; }

    public long? Uid { get; set; }

    public string Origin { get; set; } = "";

    public long RecordedAt { get; set; }
}
