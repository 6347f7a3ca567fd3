using Classhub.Hub.Auth;
using Classhub.Hub.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Api;

/// <summary><c>POST /hub/api/users/{name}/activity</c>: what single-user servers report (kernels, terminals).</summary>
internal sealed class ActivityEndpoints(ApiCaller api, ServerManager servers)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<ActivityEndpoints>();
        app.MapPost("/hub/api/users/{name}/activity", e.Report);
    }

    private async Task Report(HttpContext context)
    {
        var (caller, name, error) = api.RequireOnUser(context, Scopes.UsersActivity, static name => $"report activity for {name}");
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var (report, problem) = await JsonBody.ReadAsync(context, HubJsonContext.Default.ActivityRequest);
        if (report is null)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{problem}; send JSON like {{\"last_activity\": \"2026-01-01T00:00:00Z\"}}").ExecuteAsync(context);
            return;
        }

        var last = report.LastActivity;
        // A server entry may be JSON null although its type says otherwise: it then reports nothing.
        if (report.Servers is not null && report.Servers.TryGetValue("", out var server) && server?.LastActivity > last)
        {
            last = server.LastActivity;
        }

        if (last is { } when)
        {
            servers.Touch(name, when);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
