using Classhub.Core.Users;

namespace Classhub.Hub.Accounts;

/// <summary>Settings of <see cref="AccountBinder"/>, from the accounts.* and auth.methods configuration keys.</summary>
/// <param name="Enabled">The hub runs as root and servers run as Unix accounts; in development mode nothing is bound.</param>
/// <param name="Rules">Which accounts may be used at all (uid range, administrators' groups).</param>
/// <param name="PamSignIn">auth.methods has "pam": an account's owner can prove it is theirs by signing in with its password.</param>
internal sealed record AccountOptions(bool Enabled, AccountRules Rules, bool PamSignIn);
