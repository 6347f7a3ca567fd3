using Classhub.Core.Servers;
using Classhub.Hub.Api;
using Classhub.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Health;

/// <summary><c>/hub/health</c>: 200 only when the database answers and the spawner can start servers; the body says what was checked.</summary>
internal sealed class HealthEndpoints(HubDatabase database, ISpawner spawner)
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
        var ok = dbOk && spawnerHealth.Healthy;
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(new HealthModel(ok ? "ok" : "fail", checks), HubJsonContext.Default.HealthModel, statusCode: ok ? 200 : 503).ExecuteAsync(context);
    }
}
