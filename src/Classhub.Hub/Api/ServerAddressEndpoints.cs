using System.Globalization;
using Classhub.Hub.Auth;
using Classhub.Hub.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Api;

/// <summary>
/// <c>POST /hub/api/users/{name}/server/address</c>: a server started where the hub cannot see (a cluster job) says
/// where it listens. Only that server's own token holds <see cref="Scopes.ServerAddress"/>; people and admins do not,
/// so nobody can point the proxy for a user at another address.
/// </summary>
internal sealed class ServerAddressEndpoints(ApiCaller api, ServerManager servers)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<ServerAddressEndpoints>();
        app.MapPost("/hub/api/users/{name}/server/address", e.Report);
    }

    private async Task Report(HttpContext context)
    {
        static string Action(string name) => $"set the server address of {name} (only that server's own token may)";
        var (caller, name, error) = api.RequireOnUser(context, Scopes.ServerAddress, Action);
        if (caller is { ViaSession: true })
        {
            (caller, error) = (null, ApiResults.Forbidden(Action(name)));
        }

        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var (report, bodyProblem) = await JsonBody.ReadAsync(context, HubJsonContext.Default.ServerAddressRequest);
        if ((report is null ? bodyProblem : Problem(report)) is { } problem)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{problem}; send JSON like {{\"host\": \"node12\", \"port\": 41234}}").ExecuteAsync(context);
            return;
        }

        var url = new UriBuilder(Uri.UriSchemeHttp, report!.Host!, report.Port!.Value).Uri;
        if (!servers.ReportAddress(name, url))
        {
            await ApiResults.Error(StatusCodes.Status409Conflict, $"the server of {name} is not waiting for an address").ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>What is wrong with a report, or null when it names a host (DNS name or IP) and a port 1-65535.</summary>
    internal static string? Problem(ServerAddressRequest? report)
    {
        if (report is null)
        {
            return "the body is not JSON";
        }

        if (report.Host is not { Length: > 0 and <= 253 } host || Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            return $"'host' must be a DNS name or an IP address, not '{report.Host}'";
        }

        if (report.Port is not (> 0 and <= 65535))
        {
            return $"'port' must be 1-65535, not {report.Port?.ToString(CultureInfo.InvariantCulture) ?? "missing"}";
        }

        return null;
    }
}
