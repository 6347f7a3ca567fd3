using Classhub.Core.Servers;
using Classhub.Hub.Api;
using Classhub.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Health;

/// <summary>
/// <c>/hub/health</c>: 200 only when the database answers, the spawner can start servers and every other part that
/// contributes a check (the TLS certificate) is fine; the body says what was checked.
/// </summary>
internal sealed class HealthEndpoints(HubDatabase database, ISpawner spawner, IEnumerable<HealthContribution> contributions)
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
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(new HealthModel(ok ? "ok" : "fail", checks), HubJsonContext.Default.HealthModel, statusCode: ok ? 200 : 503).ExecuteAsync(context);
    }
}
