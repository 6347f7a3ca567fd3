using System.Text.Json;
using Classhub.Core.Servers;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Hub.Servers;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Api;

/// <summary>
/// <c>/hub/api/users/{name}/server</c>: start (201 when ready within the slow-spawn timeout, else 202), stop
/// (204, or 202 while stopping), and the progress event stream.
/// </summary>
internal sealed class ServerEndpoints(ApiCaller api, UserStore users, ServerManager servers, HubOptions options, TimeProvider time, IHostApplicationLifetime lifetime)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<ServerEndpoints>();
        app.MapPost("/hub/api/users/{name}/server", e.Start);
        app.MapDelete("/hub/api/users/{name}/server", e.Stop);
        app.MapGet("/hub/api/users/{name}/server/progress", e.Progress);
    }

    private async Task Start(HttpContext context)
    {
        var (user, error) = Authorize(context, "start the server of");
        if (user is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        if (user.User.IsDisabled)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"user {user.Name} is disabled").ExecuteAsync(context);
            return;
        }

        if (servers.Find(user.Name) is { Phase: ServerPhase.Running })
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{user.Name}'s server is already running").ExecuteAsync(context);
            return;
        }

        var pending = servers.StartAsync(user.Id, user.Name);
        // RequestAborted also ends the wait when the hub starts to stop: the answer is then 202, the start goes on.
        await Task.WhenAny(pending, Task.Delay(options.SlowSpawnTimeout, time, context.RequestAborted));
        var entry = servers.Find(user.Name)!;
        context.Response.StatusCode = entry.Phase switch
        {
            ServerPhase.Running => StatusCodes.Status201Created,
            ServerPhase.Starting => StatusCodes.Status202Accepted,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (entry.Phase == ServerPhase.Stopped)
        {
            await ApiResults.Error(StatusCodes.Status500InternalServerError, entry.LastError ?? "the server failed to start").ExecuteAsync(context);
        }
    }

    private async Task Stop(HttpContext context)
    {
        var (user, error) = Authorize(context, "stop the server of");
        if (user is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        if (servers.Find(user.Name) is not { Phase: not ServerPhase.Stopped })
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var stopping = servers.StopAsync(user.Name, "stopped through the API");
        await Task.WhenAny(stopping, Task.Delay(options.SlowSpawnTimeout, time, context.RequestAborted));
        context.Response.StatusCode = stopping.IsCompleted ? StatusCodes.Status204NoContent : StatusCodes.Status202Accepted;
    }

    private async Task Progress(HttpContext context)
    {
        var name = (string)context.GetRouteValue("name")!;
        var (caller, error) = api.Require(context);
        if (caller is null || !caller.Can(Scopes.ReadUsers, name))
        {
            await (error ?? ApiResults.Forbidden($"read the progress of {name}")).ExecuteAsync(context);
            return;
        }

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var sent = 0;
        var last = 0;
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                var entry = servers.Find(name);
                var progress = entry?.Progress;
                if (progress is null)
                {
                    return;
                }

                foreach (var e in progress.Since(sent))
                {
                    await WriteEventAsync(context, new ProgressModel(e.Progress, e.Message, e.Ready, e.Failed, e.Url), context.RequestAborted);
                    (sent, last) = (sent + 1, e.Progress);
                }

                await context.Response.Body.FlushAsync(context.RequestAborted);
                if (progress.Finished && progress.Since(sent).Count == 0)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), time, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The hub is stopping: the goodbye below ends the stream.
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The stream ends here, not cut off when the hub exits; the page reloads and follows the start again when
            // the hub is back (the server's start goes on, or is taken up again after the restart).
            await WriteEventAsync(context, new ProgressModel(last, "The hub is restarting; this page picks up your server again when it is back", false, false, null), CancellationToken.None);
        }
    }

    private static async Task WriteEventAsync(HttpContext context, ProgressModel model, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(model, HubJsonContext.Default.ProgressModel);
        await context.Response.WriteAsync($"data: {json}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private (StoredUser? User, IResult? Error) Authorize(HttpContext context, string action)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            return (null, error);
        }

        var name = (string)context.GetRouteValue("name")!;
        if (!caller.Can(Scopes.Servers, name))
        {
            return (null, ApiResults.Forbidden($"{action} {name}"));
        }

        var user = users.Find(name);
        return user is null ? (null, ApiResults.NotFound($"user {name}")) : (user, null);
    }
}
