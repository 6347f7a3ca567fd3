using System.Globalization;
using System.Text;
using Classhub.Core.Assignments;
using Classhub.Core.Courses;
using Classhub.Hub.Auth;
using Classhub.Hub.Pages;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Markdig;
using Markdig.Syntax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Assignments;

/// <summary>
/// The assignments part of the course page: students see each assignment (README, due date, status, conflicts,
/// feedback) with a Submit button; staff see a per-student status table. The README is rendered by Markdig with raw
/// HTML disabled and only relative, http(s) and mailto URLs kept in links and images.
/// </summary>
internal sealed class AssignmentPage(AssignmentStore assignments, CourseStore courses, SubmissionTaker submissions, FormGuard forms, PageRenderer pages, CallerResolver callers, AssignmentStaffEndpoints staffEndpoints)
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<AssignmentPage>();
        app.MapPost("/hub/courses/{id}/assignments/{name}/submit", e.Submit);
    }

    public string Section(HttpContext context, string courseId, long userId, bool staff)
    {
        var list = assignments.List(courseId).Where(a => a.LatestRelease > 0).ToList();
        var staffForm = staff ? staffEndpoints.Form(context, courseId) : "";
        if (list.Count == 0)
        {
            return "<section class=\"card wide\" id=\"assignments\"><h2>Assignments</h2><p class=\"muted\">No assignments yet.</p></section>" + staffForm;
        }

        var member = courses.Member(courseId, userId);
        var html = new StringBuilder("<section class=\"card wide\" id=\"assignments\"><h2>Assignments</h2>");
        foreach (var a in list)
        {
            html.Append(CultureInfo.InvariantCulture, $"<article class=\"assignment\" data-assignment=\"{Html.Attr(a.Name)}\"><h3>{Html.E(a.Name)}</h3>");
            html.Append(CultureInfo.InvariantCulture, $"<p>Release {a.LatestRelease}{Due(a)} · in <code>~/{Html.E(courseId)}/{Html.E(a.Name)}/</code></p>");
            if (a.Readme is { } readme)
            {
                html.Append(CultureInfo.InvariantCulture, $"<div class=\"readme\">{RenderReadme(readme)}</div>");
            }

            if (staff)
            {
                html.Append(StaffTable(courseId, a));
            }
            else if (member is { Role: CourseRole.Student } && a.IsFor(member.Section))
            {
                html.Append(StudentPart(context, courseId, a, member.UserName));
            }

            html.Append("</article>");
        }

        return html.Append("<script type=\"module\" src=\"/hub/static/local-time.js\"></script></section>").Append(staffForm).ToString();
    }

    /// <summary>
    /// Markdown to HTML with raw HTML escaped, and every URL that can become a link or an image (inline and reference
    /// links, images, autolinks) kept only when it is relative or http(s)/mailto; any other (javascript:, data:,
    /// vbscript:, ...) becomes "#" (an autolink, plain text).
    /// </summary>
    public static string RenderReadme(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Markdown);
        foreach (var link in document.Descendants<Markdig.Syntax.Inlines.LinkInline>())
        {
            if (link.Url is { } url && !SafeUrl(url))
            {
                link.Url = "#";
            }
        }

        foreach (var autolink in document.Descendants<Markdig.Syntax.Inlines.AutolinkInline>().ToList())
        {
            if (!SafeUrl(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url))
            {
                autolink.ReplaceBy(new Markdig.Syntax.Inlines.LiteralInline(autolink.Url));
            }
        }

        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Markdown.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>
    /// True for a relative URL (no scheme: nothing but a path, query or fragment before the first ':') and for http:,
    /// https: and mailto:. Browsers ignore tabs and newlines inside a URL and spaces and control characters around it,
    /// so those are removed before the scheme is looked for.
    /// </summary>
    private static bool SafeUrl(string url)
    {
        var bare = new string(url.Where(c => c > ' ' && c != '\x7f').ToArray());
        var colon = bare.IndexOf(':', StringComparison.Ordinal);
        var slash = bare.IndexOfAny(['/', '?', '#', '\\']);
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return true;
        }

        var scheme = bare[..colon];
        return scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);
    }

    private static string Due(Assignment a) =>
        a.DueAt is { } due ? $" · due <time data-local datetime=\"{due.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{due.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time>{(a.RefuseLate ? " (late submissions refused)" : "")}" : "";

    private string StudentPart(HttpContext context, string courseId, Assignment a, string userName)
    {
        var mine = assignments.Status(courseId, a.Name).FirstOrDefault(s => s.UserName == userName);
        var html = new StringBuilder();
        var state = mine?.SubmittedAt is { } at ? $"Submitted {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(mine.Late ? " (late)" : "")}" : "Not submitted";
        html.Append(CultureInfo.InvariantCulture, $"<p data-status>{Html.E(state)}</p>");
        if (mine is { Conflicts.Count: > 0 })
        {
            html.Append("<div class=\"status\" role=\"status\"><p>You had edited these files, so they were kept; the new version was written beside them:</p><ul>");
            html.Append(string.Concat(mine.Conflicts.Select(c => $"<li><code>{Html.E(c)}</code></li>")));
            html.Append("</ul></div>");
        }

        if (mine?.FeedbackReturnedAt is { } returned)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Feedback returned {returned.UtcDateTime:yyyy-MM-dd HH:mm} UTC, in <code>~/{Html.E(courseId)}/{Html.E(a.Name)}/feedback/</code></p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/hub/courses/{Html.Attr(courseId)}/assignments/{Html.Attr(a.Name)}/submit\">{pages.CsrfField(context)}<button type=\"submit\" class=\"primary\">Submit</button></form>");
        return html.ToString();
    }

    private string StaffTable(string courseId, Assignment a)
    {
        var rows = string.Concat(assignments.Status(courseId, a.Name).Select(s =>
            $"<tr><th scope=\"row\">{Html.E(s.UserName)}</th><td>{(s.Release?.ToString(CultureInfo.InvariantCulture) ?? (s.DeliveryError is null ? "pending" : "failed"))}</td><td>{s.Conflicts.Count}</td>" +
            $"<td>{(s.SubmittedAt is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "")}{(s.Late ? " (late)" : "")}</td><td>{(s.FeedbackReturnedAt is { } f ? f.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "")}</td></tr>"));
        return $"<div class=\"table-scroll\"><table class=\"assignment-status\"><thead><tr><th scope=\"col\">Student</th><th scope=\"col\">Release</th><th scope=\"col\">Conflicts</th><th scope=\"col\">Submitted</th><th scope=\"col\">Feedback</th></tr></thead><tbody>{rows}</tbody></table></div>";
    }

    private async Task Submit(HttpContext context)
    {
        if (callers.Resolve(context) is not { } caller)
        {
            context.Response.Redirect("/hub/login");
            return;
        }

        if (await forms.ReadAsync(context) is null)
        {
            return;
        }

        var course = (string)context.GetRouteValue("id")!;
        var name = (string)context.GetRouteValue("name")!;
        var result = await submissions.SubmitAsync(course, name, caller.Name, context.RequestAborted);
        if (!result.Ok)
        {
            await pages.Error(context, result.Failure.Reason == "disk-full" ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status400BadRequest, "Not submitted", result.Failure.UserMessage);
            return;
        }

        var s = result.Value;
        await pages.Render(context, "Submitted", $"<section class=\"card\"><h1>Submitted</h1><p class=\"status ok\" role=\"status\">{Html.E(name)}: {s.Files} files at {s.SubmittedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(s.Late ? " (late)" : "")}.</p><p><a class=\"button\" href=\"/hub/courses/{Html.Attr(course)}\">Back to the course</a></p></section>");
    }
}
