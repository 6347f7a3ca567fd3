using System.Text.Json;
using Classhub.Hub.Api;
using Classhub.Hub.Pages;
using Classhub.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Hosting;

/// <summary>
/// Around every hub endpoint (not the proxy, which is answered before routing): no request ends as a blank 500.
/// <list type="bullet">
/// <item>A request's <see cref="HttpContext.RequestAborted"/> is also cancelled when the hub starts to stop, so what it
/// waits for (a server start, a sign-in's turn) ends at once instead of holding up the exit; a request that ends that
/// way, or arrives then, gets 503 "the hub is restarting".</item>
/// <item>A body that cannot be read (a multipart body without its boundary or cut short, more than 1,024 form
/// fields, a body over the size limit, JSON an endpoint did not catch) gets 400 (or 413) saying what was wrong.</item>
/// <item>A full disk, a read-only data dir or a database that stayed locked gets 507/503 naming the folder and the fix
/// (<see cref="StorageFailure"/>).</item>
/// <item>Anything else is a bug: 500 with a message that points at the hub's log, where the exception is.</item>
/// </list>
/// API paths (<c>/hub/api/</c>) answer JupyterHub's JSON <c>{"status": N, "message": "..."}</c>; pages answer the error page.
/// </summary>
internal static partial class RequestFailures
{
    private static readonly PathString Api = new("/hub/api");

    public static IApplicationBuilder UseHubRequestFailures(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var pages = app.ApplicationServices.GetRequiredService<PageRenderer>();
        var dataDir = app.ApplicationServices.GetRequiredService<HubOptions>().DataDir;
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestFailures).FullName!);
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested)
            {
                await RespondAsync(context, pages, Restarting);
                return;
            }

            var clientGone = context.RequestAborted;
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(clientGone, stopping);
            context.RequestAborted = aborted.Token;
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (clientGone.IsCancellationRequested || (stopping.IsCancellationRequested && context.Response.HasStarted))
            {
                // The client went away (nobody is left to answer), or the hub stops in the middle of a streamed answer
                // (a progress stream), which simply ends.
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                var answer = FormBody.FailedOn(context, e)
                    ? new Answer(StatusCodes.Status400BadRequest, "Bad request", FormBody.Problem(e))
                    : Classify(e, stopping.IsCancellationRequested, dataDir);
                if (answer.Status == StatusCodes.Status500InternalServerError)
                {
                    LogFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
                }
                else if (answer.Status > StatusCodes.Status500InternalServerError && answer != Restarting)
                {
                    LogStorageFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", answer.Message);
                }

                await RespondAsync(context, pages, answer);
            }
        });
    }

    private static readonly Answer Restarting = new(StatusCodes.Status503ServiceUnavailable, "The hub is restarting", "the hub is stopping (a restart or an upgrade) and did not finish this request; try again in a moment");

    /// <summary>What to answer for an exception an endpoint let through.</summary>
    internal static Answer Classify(Exception e, bool stopping, string dataDir)
    {
        if (e is OperationCanceledException && stopping)
        {
            return Restarting;
        }

        if (e is BadHttpRequestException bad)
        {
            return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new Answer(bad.StatusCode, "Too large", "the request body is larger than this endpoint takes; send less")
                : new Answer(StatusCodes.Status400BadRequest, "Bad request", "the request body could not be read (cut short, or not in the format it says it is); send it again whole");
        }

        if (e is InvalidDataException)
        {
            return new Answer(StatusCodes.Status400BadRequest, "Bad request", FormBody.Problem(e));
        }

        if (e is JsonException)
        {
            return new Answer(StatusCodes.Status400BadRequest, "Bad request", "the request body is not the JSON this endpoint takes");
        }

        if (StorageFailure.Of(e, dataDir) is { } storage)
        {
            var status = storage.Reason == StorageFailure.DiskFull ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;
            return new Answer(status, "Could not save", $"not saved: {storage.UserMessage}");
        }

        return new Answer(StatusCodes.Status500InternalServerError, "Something went wrong", "an internal error occurred; the administrator can find it in the hub's log");
    }

    private static async Task RespondAsync(HttpContext context, PageRenderer pages, Answer answer)
    {
        context.Response.Clear();
        if (context.Request.Path.StartsWithSegments(Api))
        {
            await ApiResults.Error(answer.Status, answer.Message).ExecuteAsync(context);
            return;
        }

        await pages.Error(context, answer.Status, answer.Title, answer.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with an internal error")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: {Reason}")]
    private static partial void LogStorageFailed(ILogger logger, string method, string path, string reason);

    /// <summary>The status, the page title and the one-line message a failed request gets.</summary>
    internal sealed record Answer(int Status, string Title, string Message);
}
