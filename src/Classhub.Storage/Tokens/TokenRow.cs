namespace Classhub.Storage.Tokens;

internal sealed class TokenRow
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public string Prefix { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Scopes { get; set; } = "";

    public string? Note { get; set; }

    public string? ClientId { get; set; }

    public long CreatedAt { get; set; }

    public long? ExpiresAt { get; set; }

    public long? LastActivity { get; set; }
}
