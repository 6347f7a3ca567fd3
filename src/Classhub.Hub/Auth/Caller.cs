namespace Classhub.Hub.Auth;

/// <summary>Who made a request, how, and what they may do.</summary>
/// <param name="SessionId">Set when the caller came with a browser session (then CSRF rules apply).</param>
/// <param name="TokenId">Set when the caller came with a token.</param>
internal sealed record Caller(long UserId, string Name, bool IsAdmin, IReadOnlyList<string> Scopes, string? SessionId, long? TokenId)
{
    public bool ViaSession => SessionId is not null;

    public bool Can(string scope, string owner) => Auth.Scopes.Allows(Scopes, scope, owner);
}
