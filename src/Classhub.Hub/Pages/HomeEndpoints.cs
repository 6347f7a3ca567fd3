using Classhub.Core.Servers;
using Classhub.Hub.Auth;
using Classhub.Hub.Courses;
using Classhub.Hub.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Pages;

/// <summary>The home page (my server: start, stop, open), the spawn pages and the redirect of the bare paths.</summary>
internal sealed class HomeEndpoints(CallerResolver callers, ServerManager servers, PageRenderer pages, FormGuard forms, CourseEndpoints courses)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<HomeEndpoints>();
        app.MapGet("/", e.ToHome);
        app.MapGet("/hub", e.ToHome);
        app.MapGet("/hub/home", e.Home);
        app.MapGet("/hub/spawn/{name}", e.NotRunning);
        app.MapPost("/hub/spawn/{name}", e.Spawn);
        app.MapGet("/hub/spawn-pending/{name}", e.Pending);
        app.MapPost("/hub/stop/{name}", e.Stop);
    }

    private Task ToHome(HttpContext context)
    {
        context.Response.Redirect("/hub/home");
        return Task.CompletedTask;
    }

    private Task Home(HttpContext context)
    {
        if (SignedIn(context) is not { } caller)
        {
            return Task.CompletedTask;
        }

        var entry = servers.Find(caller.Name);
        var phase = entry?.Phase ?? ServerPhase.Stopped;
        var name = Html.Attr(caller.Name);
        var csrf = pages.CsrfField(context);
        var status = phase switch
        {
            ServerPhase.Running => "<p class=\"status ok\">Your server is running.</p>",
            ServerPhase.Starting => "<p class=\"status\">Your server is starting…</p>",
            ServerPhase.Stopping => "<p class=\"status\">Your server is stopping…</p>",
            _ => "<p class=\"status\">Your server is not running.</p>",
        };
        var error = entry?.LastError is { } last && phase == ServerPhase.Stopped
            ? $"<p class=\"error\" role=\"alert\">The last start failed: {Html.E(FirstLine(last))}</p>"
            : "";
        var actions = phase switch
        {
            ServerPhase.Running => $"<a class=\"button primary\" href=\"/user/{name}/tree\">Open my server</a>" +
                                   $"<form method=\"post\" action=\"/hub/stop/{name}\" class=\"inline\">{csrf}<button type=\"submit\" class=\"secondary\">Stop my server</button></form>",
            ServerPhase.Starting => $"<a class=\"button primary\" href=\"/hub/spawn-pending/{name}\">See progress</a>",
            _ => $"<form method=\"post\" action=\"/hub/spawn/{name}\" class=\"inline\">{csrf}<button type=\"submit\" class=\"primary\">Start my server</button></form>",
        };
        var body = $"<section class=\"card\"><h1>Hello, {Html.E(caller.Name)}</h1><h2>My server</h2>{status}{error}<div class=\"actions\">{actions}</div></section>{courses.MyCourses(caller)}";
        return pages.Render(context, "Home", body);
    }

    private Task NotRunning(HttpContext context)
    {
        if (SignedIn(context) is not { } caller)
        {
            return Task.CompletedTask;
        }

        var name = (string)context.GetRouteValue("name")!;
        if (!caller.Can(Scopes.Servers, name))
        {
            return pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", $"You cannot start the server of {name}.");
        }

        if (servers.Find(name) is { Phase: ServerPhase.Starting })
        {
            context.Response.Redirect($"/hub/spawn-pending/{Uri.EscapeDataString(name)}?next={Uri.EscapeDataString(LocalRedirect.Safe(context.Request.Query["next"], $"/user/{name}/tree"))}");
            return Task.CompletedTask;
        }

        var next = LocalRedirect.Safe(context.Request.Query["next"], $"/user/{name}/tree");
        var body = $"""
            <section class="card"><h1>Server not running</h1>
            <p>The server of {Html.E(name)} is not running.</p>
            <form method="post" action="/hub/spawn/{Html.Attr(name)}">{pages.CsrfField(context)}
            <input type="hidden" name="next" value="{Html.Attr(next)}">
            <button type="submit" class="primary">Start server</button></form></section>
            """;
        return pages.Render(context, "Server not running", body, StatusCodes.Status424FailedDependency);
    }

    private async Task Spawn(HttpContext context)
    {
        if (SignedIn(context) is not { } caller || await forms.ReadAsync(context) is not { } form)
        {
            return;
        }

        var name = (string)context.GetRouteValue("name")!;
        if (!caller.Can(Scopes.Servers, name))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", $"You cannot start the server of {name}.");
            return;
        }

        var userId = name == caller.Name ? caller.UserId : UserIdOf(name);
        if (userId is null)
        {
            await pages.Error(context, StatusCodes.Status404NotFound, "No such user", $"There is no user {name}.");
            return;
        }

        _ = servers.StartAsync(userId.Value, name);
        var next = LocalRedirect.Safe(form["next"], $"/user/{name}/tree");
        context.Response.Redirect($"/hub/spawn-pending/{Uri.EscapeDataString(name)}?next={Uri.EscapeDataString(next)}");
    }

    private Task Pending(HttpContext context)
    {
        if (SignedIn(context) is not { } caller)
        {
            return Task.CompletedTask;
        }

        var name = (string)context.GetRouteValue("name")!;
        if (!caller.Can(Scopes.Servers, name))
        {
            return pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", $"You cannot see the server of {name}.");
        }

        var entry = servers.Find(name);
        var next = LocalRedirect.Safe(context.Request.Query["next"], $"/user/{name}/tree");
        if (entry?.Phase == ServerPhase.Running)
        {
            context.Response.Redirect(next);
            return Task.CompletedTask;
        }

        var events = entry?.Progress.Since(0) ?? [];
        var last = events.Count > 0 ? events[^1] : null;
        var failed = last?.Failed == true || entry is null || entry.Phase == ServerPhase.Stopped;
        var items = string.Concat(events.Select(e => $"<li>{Html.E(FirstLine(e.Message))}</li>"));
        var message = failed
            ? $"<p class=\"error\" role=\"alert\" id=\"spawn-error\">{Html.E(FirstLine(entry?.LastError ?? "The server is not starting."))}</p><form method=\"post\" action=\"/hub/spawn/{Html.Attr(name)}\">{pages.CsrfField(context)}<input type=\"hidden\" name=\"next\" value=\"{Html.Attr(next)}\"><button type=\"submit\" class=\"primary\">Try again</button></form>"
            : "<p class=\"error\" role=\"alert\" id=\"spawn-error\" hidden></p>";
        var percent = last?.Progress ?? 0;
        var refresh = failed ? "" : "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>";
        var body = $"""
            <section class="card" id="spawn" data-user="{Html.Attr(name)}" data-next="{Html.Attr(next)}" data-failed="{(failed ? "true" : "false")}">
              <h1>Starting the server of {Html.E(name)}</h1>
              <progress id="spawn-progress" max="100" value="{percent}" aria-label="Start progress">{percent}%</progress>
              <ul id="spawn-log" aria-live="polite">{items}</ul>
              {message}
            </section>
            <script type="module" src="/hub/static/spawn.js"></script>
            """;
        return pages.Render(context, "Starting server", body, head: refresh);
    }

    private async Task Stop(HttpContext context)
    {
        if (SignedIn(context) is not { } caller || await forms.ReadAsync(context) is null)
        {
            return;
        }

        var name = (string)context.GetRouteValue("name")!;
        if (!caller.Can(Scopes.Servers, name))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", $"You cannot stop the server of {name}.");
            return;
        }

        // The stop goes on if the hub starts to stop meanwhile; the request does not hold up its exit (RequestAborted).
        await servers.StopAsync(name, $"stopped by {caller.Name}").WaitAsync(context.RequestAborted);
        context.Response.Redirect(caller.Name == name ? "/hub/home" : "/hub/admin");
    }

    private long? UserIdOf(string name) => servers.Find(name)?.UserId ?? callers.UserIdOf(name);

    private Caller? SignedIn(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
        }

        return caller;
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
