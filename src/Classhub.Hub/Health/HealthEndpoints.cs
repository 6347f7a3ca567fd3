using Classhub.Core.Servers;
using Classhub.Hub.Api;
using Classhub.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Health;

/// <summary>
/// <c>/hub/health</c>: "ok" (200) when everything is fine; "fail" (503) when the database does not answer, the spawner
/// cannot start servers or another part that contributes a check (the TLS certificate) is not fine; "degraded" (still
/// 200: the hub serves) when only the data dir's disk is low on space (<see cref="DiskSpace"/>). The body says what
/// was checked.
/// </summary>
internal sealed class HealthEndpoints(HubDatabase database, ISpawner spawner, DiskSpace disk, IEnumerable<HealthContribution> contributions)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<HealthEndpoints>();
        app.MapGet("/hub/health", e.Check);
    }

    private async Task Check(HttpContext context)
    {
        var dbOk = database.Ping(out var dbDetail);
        var spawnerHealth = await spawner.CheckHealthAsync(context.RequestAborted);
        var checks = new Dictionary<string, HealthCheckModel>(StringComparer.Ordinal)
        {
            ["database"] = new(dbOk, dbDetail),
            ["spawner"] = new(spawnerHealth.Healthy, $"{spawner.Kind}: {spawnerHealth.Detail}"),
        };
        foreach (var contribution in contributions)
        {
            checks[contribution.Name] = contribution.Check();
        }

        var ok = checks.Values.All(c => c.Ok);
        var diskCheck = disk.Check();
        checks["disk"] = diskCheck;
        var status = !ok ? "fail" : diskCheck.Ok ? "ok" : "degraded";
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(new HealthModel(status, checks), HubJsonContext.Default.HealthModel, statusCode: ok ? 200 : 503).ExecuteAsync(context);
    }
}
