using Classhub.Hub.Hosting;

namespace Classhub.Hub.Auth;

/// <summary>
/// Who may use a user's live server, asked by the proxy gate and by the server's OAuth sign-in (the one place this
/// rule lives): its owner, with a credential that holds <c>access:servers</c> on it. Nobody else, admins and course
/// staff included, because the server runs its owner's code and its pages run its owner's scripts in the browser of
/// whoever opens them; staff look at students' work in the file viewer instead. Only with <see cref="HubOptions.AdminAccess"/>
/// (JupyterHub's <c>admin_access</c>) may admins use other users' servers too.
/// </summary>
internal sealed class ServerAccess(HubOptions options)
{
    public bool Allows(Caller caller, string owner) =>
        caller.Can(Scopes.AccessServers, owner) && (string.Equals(caller.Name, owner, StringComparison.Ordinal) || (options.AdminAccess && caller.IsAdmin));
}
