namespace Classhub.Core.Users;

/// <summary>A hub user as the domain sees it.</summary>
public sealed record User(
    string Name,
    bool IsAdmin,
    bool IsDisabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastActivity);
