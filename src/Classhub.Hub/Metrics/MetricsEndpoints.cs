using System.Globalization;
using System.Text;
using Classhub.Core.Servers;
using Classhub.Hub.Api;
using Classhub.Hub.Auth;
using Classhub.Hub.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Metrics;

/// <summary>
/// <c>/hub/metrics</c> in Prometheus' text format, for admins and tokens holding <c>read:hub</c> (like JupyterHub,
/// metrics are not public: they reveal how many students are active).
/// </summary>
internal sealed class MetricsEndpoints(ApiCaller api, HubMetrics metrics, ServerManager servers, SignInQueue signIns)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<MetricsEndpoints>();
        app.MapGet("/hub/metrics", e.Scrape);
    }

    private Task Scrape(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null || !Scopes.AllowsAny(caller.Scopes, Scopes.ReadHub))
        {
            return (error ?? ApiResults.Forbidden("read the hub's metrics")).ExecuteAsync(context);
        }

        var phases = servers.Entries.GroupBy(e => e.Phase).ToDictionary(g => g.Key, g => g.Count());
        var text = new StringBuilder();
        Gauge(text, "classhub_servers", "Users' servers by phase.", [.. Enum.GetValues<ServerPhase>().Select(p => ($"phase=\"{p.ToString().ToLowerInvariant()}\"", (double)phases.GetValueOrDefault(p)))]);
        Counter(text, "classhub_proxy_requests_total", "Requests forwarded to users' servers.", [("", metrics.ProxiedRequests)]);
        Counter(text, "classhub_proxy_denied_total", "Requests for a user's server that were not let through.", [("", metrics.ProxyDenied)]);
        Counter(text, "classhub_logins_total", "Sign-in attempts by result.", [("result=\"success\"", metrics.LoginSuccess), ("result=\"failure\"", metrics.LoginFailure), ("result=\"rate_limited\"", metrics.LoginLimited), ("result=\"busy\"", metrics.LoginBusyCount)]);
        Gauge(text, "classhub_sign_in_queue", "Sign-ins (and invite redemptions) checking a password now, or waiting their turn.", [("state=\"running\"", signIns.Running), ("state=\"waiting\"", signIns.Waiting)]);
        Counter(text, "classhub_spawns_total", "Server starts by result.", [("result=\"success\"", metrics.SpawnSuccess), ("result=\"failure\"", metrics.SpawnFailure)]);
        Counter(text, "classhub_spawn_seconds_total", "Time spent starting servers (divide by classhub_spawns_total for the mean).", [("", metrics.SpawnSecondsTotal)]);
        Runtime(text);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }

    /// <summary>The hub process's own memory and garbage collector, for telling a leak from a busy day.</summary>
    private static void Runtime(StringBuilder text)
    {
        var gc = GC.GetGCMemoryInfo();
        Gauge(text, "classhub_gc_heap_bytes", "Managed heap size after the last collection.", [("", gc.HeapSizeBytes)]);
        Gauge(text, "classhub_gc_fragmented_bytes", "Free space inside the managed heap after the last collection (part of classhub_gc_heap_bytes).", [("", gc.FragmentedBytes)]);
        Counter(text, "classhub_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start.", [("", GC.GetTotalAllocatedBytes())]);
        Counter(text, "classhub_gc_collections_total", "Garbage collections by generation.", [.. Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => ($"generation=\"{g}\"", (double)GC.CollectionCount(g)))]);
        Counter(text, "classhub_gc_pause_seconds_total", "Time the hub was paused for garbage collection.", [("", GC.GetTotalPauseDuration().TotalSeconds)]);
        Gauge(text, "classhub_threadpool_threads", "Thread-pool threads.", [("", ThreadPool.ThreadCount)]);
    }

    private static void Gauge(StringBuilder text, string name, string help, (string Labels, double Value)[] samples) => Write(text, name, help, "gauge", samples);

    private static void Counter(StringBuilder text, string name, string help, (string Labels, double Value)[] samples) => Write(text, name, help, "counter", samples);

    private static void Write(StringBuilder text, string name, string help, string type, (string Labels, double Value)[] samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in samples)
        {
            text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
