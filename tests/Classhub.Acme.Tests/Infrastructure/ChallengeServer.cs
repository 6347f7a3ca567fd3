using Classhub.Acme.Challenges;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>A real Kestrel serving the http-01 endpoint on loopback, where Pebble's validator connects.</summary>
internal sealed class ChallengeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChallengeServer(WebApplication app, int port, Http01ChallengeStore store)
    {
        _app = app;
        Port = port;
        Store = store;
    }

    public int Port { get; }

    public Http01ChallengeStore Store { get; }

    /// <summary>When set, every challenge answer is wrong (a broken proxy, a different server on :80).</summary>
    public bool ServeWrongContent { get; set; }

    public static async Task<ChallengeServer> StartAsync()
    {
        var port = FreePort.Next();
        var store = new Http01ChallengeStore();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port));
        var app = builder.Build();
        var server = new ChallengeServer(app, port, store);
        app.Use(async (context, next) =>
        {
            if (server.ServeWrongContent)
            {
                await context.Response.WriteAsync("not the key authorization");
                return;
            }
            await next(context);
        });
        app.MapAcmeHttp01Challenges(store);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
