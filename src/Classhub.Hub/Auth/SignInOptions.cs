namespace Classhub.Hub.Auth;

/// <summary>
/// Who may sign in, beyond "has a working credential". Built by the executable from the auth.* config keys.
/// <para>The rule, in order: the name must pass <see cref="Core.Users.UserName"/>'s rules after normalising. A known
/// hub user may sign in when enabled and not dropped from every course they were in (admins always; hub users are
/// made by an admin, a roster import or an invite, so the user table is itself an allow list). An unknown user is
/// refused unless <see cref="CreateUnknownUsers"/> is on AND the name is in <see cref="AllowedUsers"/> or the
/// provider's own admission rule accepted them (a verified address in auth.oidc.allowed_domains, membership of
/// auth.github.org); then a plain (non-admin) user is created.</para>
/// </summary>
internal sealed record SignInOptions
{
    /// <summary>auth.methods: "local", "pam", "oidc", "github", in the order they are tried / shown.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["local"];

    /// <summary>auth.allowed_users, normalised.</summary>
    public IReadOnlySet<string> AllowedUsers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>auth.new_users = "create-allowed".</summary>
    public bool CreateUnknownUsers { get; init; }

    public bool LocalForm => Methods.Contains("local") || Methods.Contains("pam");
}
