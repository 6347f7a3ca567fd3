namespace Classhub.Storage.Users;

/// <summary>A row of <c>users</c>; mapped to <see cref="Core.Users.User"/> at the boundary.</summary>
internal sealed class UserRow
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public bool Admin { get; set; }

    public bool Disabled { get; set; }

    public string? PasswordHash { get; set; }

    public long CreatedAt { get; set; }

    public long? LastActivity { get; set; }
}
