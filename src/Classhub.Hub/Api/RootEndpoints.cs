using Classhub.Hub.Auth;
using Classhub.Hub.Servers;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Api;

/// <summary><c>/hub/api</c>, <c>/hub/api/info</c> and <c>/hub/api/user</c> (who am I, with the token's scopes).</summary>
internal sealed class RootEndpoints(ApiCaller api, UserStore users, ServerManager servers)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<RootEndpoints>();
        app.MapGet("/hub/api", e.Root);
        app.MapGet("/hub/api/info", e.Info);
        app.MapGet("/hub/api/user", e.Me);
    }

    private Task Root(HttpContext context) =>
        Results.Json(new ApiRootModel(HubInfo.JupyterHubApiVersion, HubInfo.ClasshubVersion), HubJsonContext.Default.ApiRootModel).ExecuteAsync(context);

    private Task Info(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (error is not null)
        {
            return error.ExecuteAsync(context);
        }

        var info = new ApiInfoModel(
            HubInfo.JupyterHubApiVersion,
            HubInfo.ClasshubVersion,
            new SpawnerInfoModel(servers.SpawnerKind, HubInfo.ClasshubVersion),
            new AuthenticatorInfoModel("local", HubInfo.ClasshubVersion));
        return Results.Json(info, HubJsonContext.Default.ApiInfoModel).ExecuteAsync(context);
    }

    private Task Me(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (error is not null || caller is null)
        {
            return (error ?? ApiResults.Unauthorized()).ExecuteAsync(context);
        }

        var user = users.FindById(caller.UserId);
        if (user is null)
        {
            return ApiResults.NotFound("user").ExecuteAsync(context);
        }

        var model = UserModels.From(user, servers.Find(user.Name), caller.Scopes);
        return Results.Json(model, HubJsonContext.Default.UserModel).ExecuteAsync(context);
    }
}
