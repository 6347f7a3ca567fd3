using System.Globalization;
using System.Text;
using Classhub.Core.Servers;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Hub.Servers;
using Classhub.Hub.Usage;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Pages;

/// <summary>The admin page: every user and their server, start/stop, and each server's log.</summary>
internal sealed class AdminEndpoints(CallerResolver callers, ServerAccess access, UserStore users, ServerManager servers, PageRenderer pages, HubOptions options, UsageHistory usage, UsageSampler sampler, TimeProvider time)
{
    private const int LogTailBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<AdminEndpoints>();
        app.MapGet("/hub/admin", e.Show);
        app.MapGet("/hub/admin/users/{name}/log", e.Log);
    }

    private async Task Show(HttpContext context)
    {
        if (await AdminAsync(context) is not { } admin)
        {
            return;
        }

        var csrf = pages.CsrfField(context);
        var rows = new StringBuilder();
        foreach (var user in users.List())
        {
            var entry = servers.Find(user.Name);
            var phase = entry?.Phase ?? ServerPhase.Stopped;
            var n = Html.Attr(user.Name);
            var action = phase == ServerPhase.Stopped
                ? $"<form method=\"post\" action=\"/hub/spawn/{n}\" class=\"inline\">{csrf}<input type=\"hidden\" name=\"next\" value=\"/hub/admin\"><button type=\"submit\" aria-label=\"Start the server of {n}\">Start</button></form>"
                : $"<form method=\"post\" action=\"/hub/stop/{n}\" class=\"inline\">{csrf}<button type=\"submit\" class=\"secondary\" aria-label=\"Stop the server of {n}\">Stop</button></form>";
            // Another user's live server is opened only where the hub allows it; everyone's files are in the viewer.
            var open = phase == ServerPhase.Running && access.Allows(admin, user.Name) ? $" <a href=\"/user/{n}/tree\">Open</a>" : "";
            var files = $" <a href=\"{Html.Attr(StudentFiles.StudentFilesView.Url(user.Name, [], folder: true))}\" aria-label=\"Files of {n}\">Files</a>";
            var activity = entry?.LastActivity ?? user.User.LastActivity;
            rows.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{Html.E(user.Name)}</th><td>{(user.User.IsAdmin ? "admin" : "")}{(user.User.IsDisabled ? " disabled" : "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td data-phase=\"{phase.ToString().ToLowerInvariant()}\">{phase.ToString().ToLowerInvariant()}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(activity is { } a ? $"<time datetime=\"{a:O}\">{a:yyyy-MM-dd HH:mm} UTC</time>" : "never")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><div class=\"actions\">{action}{open}{files} <a href=\"/hub/admin/users/{n}/log\">Log</a></div></td></tr>");
        }

        var body = $"""
            <section class="card wide"><h1>Users and servers</h1>
            <div class="table-scroll"><table><caption>Spawner: {Html.E(servers.SpawnerKind)}</caption>
            <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Server</th><th scope="col">Last activity</th><th scope="col">Actions</th></tr></thead>
            <tbody>{rows}</tbody></table></div></section>
            <section class="card wide"><h2>Usage over the last day</h2>{UsagePlot.Svg([.. usage.Samples(), sampler.Current()], time.GetUtcNow())}<p><a href="/hub/health">Health</a> (database, spawner, certificate)</p></section>
            """;
        await pages.Render(context, "Admin", body);
    }

    private async Task Log(HttpContext context)
    {
        if (await AdminAsync(context) is null)
        {
            return;
        }

        var name = (string)context.GetRouteValue("name")!;
        if (users.Find(name) is null)
        {
            await pages.Error(context, StatusCodes.Status404NotFound, "No such user", $"There is no user {name}.");
            return;
        }

        var path = Path.Combine(options.LogDir, $"{name}.log");
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        if (!File.Exists(path))
        {
            await context.Response.WriteAsync($"No log yet for {name}'s server.\n");
            return;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(0, stream.Length - LogTailBytes), SeekOrigin.Begin);
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<Caller?> AdminAsync(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path));
            return null;
        }

        if (!caller.IsAdmin)
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Admins only", "This page is for administrators.");
            return null;
        }

        return caller;
    }
}
