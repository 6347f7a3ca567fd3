using Classhub.Core.Servers;
using Classhub.Hub.Servers;
using Classhub.Storage.Users;

namespace Classhub.Hub.Api;

/// <summary>Maps users and their servers to JupyterHub's user model.</summary>
internal static class UserModels
{
    public static UserModel From(StoredUser user, ServerEntry? server, IReadOnlyList<string>? scopes = null)
    {
        var servers = new Dictionary<string, ServerModel>(StringComparer.Ordinal);
        string? pending = server?.Phase switch
        {
            ServerPhase.Starting => "spawn",
            ServerPhase.Stopping => "stop",
            _ => null,
        };
        var active = server is not null && server.Phase != ServerPhase.Stopped;
        if (active)
        {
            servers[""] = new ServerModel(
                "",
                server!.Phase == ServerPhase.Running,
                pending,
                $"/user/{user.Name}/",
                $"/hub/api/users/{user.Name}/server/progress",
                server.StartedAt,
                server.LastActivity);
        }

        return new UserModel(
            "user",
            user.Name,
            user.User.IsAdmin,
            user.User.IsAdmin ? ["admin", "user"] : ["user"],
            [],
            server?.Phase == ServerPhase.Running ? $"/user/{user.Name}/" : null,
            pending,
            user.User.CreatedAt,
            server?.LastActivity ?? user.User.LastActivity,
            servers,
            scopes,
            null);
    }
}
