using Classhub.Core.Servers;
using Classhub.Core.Users;
using Classhub.Hub.Auth;
using Classhub.Hub.Changes;
using Classhub.Hub.Servers;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Api;

/// <summary><c>/hub/api/users</c> and <c>/hub/api/users/{name}</c>: list, read, create, delete.</summary>
internal sealed class UsersEndpoints(ApiCaller api, UserStore users, ServerManager servers, ChangeWatcher changes)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<UsersEndpoints>();
        app.MapGet("/hub/api/users", e.List);
        app.MapGet("/hub/api/users/{name}", e.Get);
        app.MapPost("/hub/api/users/{name}", e.Create);
        app.MapDelete("/hub/api/users/{name}", e.Delete);
    }

    private Task List(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            return error!.ExecuteAsync(context);
        }

        var state = context.Request.Query["state"].ToString();
        if (StateFilter(state) is not { } wanted)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"unrecognized state '{state}': use inactive, active or ready").ExecuteAsync(context);
        }

        var visible = users.List()
            .Where(u => caller.Can(Scopes.ReadUsers, u.Name))
            .Select(u => (User: u, Server: servers.Find(u.Name)))
            .Where(x => wanted(x.Server?.Phase ?? ServerPhase.Stopped))
            .Select(x => UserModels.From(x.User, x.Server))
            .ToList();
        return Results.Json(visible, HubJsonContext.Default.ListUserModel).ExecuteAsync(context);
    }

    /// <summary>JupyterHub's <c>?state=</c>: inactive (no server), active (running or pending), ready (running); null if unknown.</summary>
    private static Func<ServerPhase, bool>? StateFilter(string state) => state switch
    {
        "" => _ => true,
        "inactive" => phase => phase == ServerPhase.Stopped,
        "active" => phase => phase != ServerPhase.Stopped,
        "ready" => phase => phase == ServerPhase.Running,
        _ => null,
    };

    private Task Get(HttpContext context)
    {
        var (caller, name, error) = api.RequireOnUser(context, Scopes.ReadUsers, static name => $"read user {name}");
        if (caller is null)
        {
            return error!.ExecuteAsync(context);
        }

        var user = users.Find(name);
        return user is null
            ? ApiResults.NotFound($"user {name}").ExecuteAsync(context)
            : Results.Json(UserModels.From(user, servers.Find(name)), HubJsonContext.Default.UserModel).ExecuteAsync(context);
    }

    private async Task Create(HttpContext context)
    {
        var (caller, name, error) = api.RequireOnUser(context, Scopes.AdminUsers, static _ => "create users");
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        if (UserName.Problem(name) is { } problem)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, problem).ExecuteAsync(context);
            return;
        }

        var (body, bodyProblem) = context.Request.ContentLength > 0
            ? await JsonBody.ReadAsync(context, HubJsonContext.Default.CreateUserRequest)
            : (new CreateUserRequest(false), null);
        if (body is null)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{bodyProblem}; send JSON like {{\"admin\": false}}").ExecuteAsync(context);
            return;
        }

        var created = users.Add(name, body.Admin ?? false);
        if (created is null)
        {
            await ApiResults.Error(StatusCodes.Status409Conflict, $"user {name} already exists").ExecuteAsync(context);
            return;
        }

        changes.NotifyLocalChange();
        await Results.Json(UserModels.From(created, null), HubJsonContext.Default.UserModel, statusCode: StatusCodes.Status201Created).ExecuteAsync(context);
    }

    private async Task Delete(HttpContext context)
    {
        var (caller, name, error) = api.RequireOnUser(context, Scopes.AdminUsers, static _ => "delete users");
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        if (users.Find(name) is null)
        {
            await ApiResults.NotFound($"user {name}").ExecuteAsync(context);
            return;
        }

        if (servers.Find(name) is { Phase: not ServerPhase.Stopped })
        {
            await servers.StopAsync(name, "the user was deleted").WaitAsync(context.RequestAborted);
        }

        users.Delete(name);
        changes.NotifyLocalChange();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
