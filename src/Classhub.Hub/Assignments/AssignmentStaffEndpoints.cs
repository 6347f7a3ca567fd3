using Classhub.Core.Courses;
using Classhub.Hub.Assignments.Files;
using Classhub.Hub.Auth;
using Classhub.Hub.Pages;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Assignments;

/// <summary>
/// Staff actions on the course page: push (a .zip, or a folder chosen in the browser) which publishes the release
/// and has the hub deliver it in the background (<see cref="DeliveryWorker"/>), how each release's delivery stands
/// (from the database, so it survives a restart), and a .zip of every student's latest submission. The upload is kept
/// in the data dir's staging while it is read; a full disk is a page that says which disk and what to do (507).
/// </summary>
internal sealed class AssignmentStaffEndpoints(
    CallerResolver callers,
    CourseStore courses,
    AssignmentStore assignments,
    DeliveryTaskStore tasks,
    AssignmentPublisher publisher,
    DeliveryWorker worker,
    StagingArea staging,
    AssignmentOptions options,
    FormGuard forms,
    PageRenderer pages)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<AssignmentStaffEndpoints>();
        app.MapPost("/hub/courses/{id}/assignments/push", e.Push);
        app.MapGet("/hub/courses/{id}/assignments/{name}/submissions.zip", e.Download);
    }

    /// <summary>The push form, and how the delivery of each assignment's latest release (and of any older one not finished) stands.</summary>
    public string Form(HttpContext context, string courseId)
    {
        var progress = string.Concat(assignments.List(courseId).Where(a => a.LatestRelease > 0).SelectMany(a => tasks.Progress(courseId, a.Name, a.LatestRelease).Select(p => DeliveryProgressView.Render(a.Name, p))));
        var downloads = string.Concat(assignments.List(courseId).Select(a =>
            $"<li><a href=\"/hub/courses/{Html.Attr(courseId)}/assignments/{Html.Attr(a.Name)}/submissions.zip\">{Html.E(a.Name)}: latest submissions (.zip)</a></li>"));
        return $"""
            <section class="card" id="push-assignment"><h2>Push an assignment</h2>{progress}
            <form method="post" action="/hub/courses/{Html.Attr(courseId)}/assignments/push" enctype="multipart/form-data">{pages.CsrfField(context)}
            <p><label for="assignment-name">Assignment name</label> <input id="assignment-name" name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*"></p>
            <p><label for="assignment-zip">A .zip of the folder</label> <input id="assignment-zip" type="file" name="zip" accept=".zip,application/zip"></p>
            <p><label for="assignment-folder">or the folder itself</label> <input id="assignment-folder" type="file" name="folder" webkitdirectory multiple></p>
            <p><label for="assignment-section">Section (empty: everyone)</label> <input id="assignment-section" name="section"></p>
            <p><label for="assignment-due">Due (e.g. 2026-12-01T23:59:00+01:00)</label> <input id="assignment-due" name="due"></p>
            <p><label><input type="checkbox" name="refuse_late" value="true"> Refuse late submissions</label></p>
            <button type="submit" class="primary">Push</button></form>
            {(downloads.Length > 0 ? $"<h3>Collect</h3><ul>{downloads}</ul>" : "")}</section>
            """;
    }

    private async Task Push(HttpContext context)
    {
        // Who is asking is decided from their cookie before a byte of the body is read; only course staff may then send
        // a body as large as a push (everyone else stays at the hub's small default and is answered at once).
        if (await Staff(context) is not { } caller)
        {
            return;
        }

        var largest = options.MaxPushBytes + (1 << 20);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = largest;
        }

        if (await forms.ReadAsync(context, new FormOptions { MultipartBodyLengthLimit = largest, ValueCountLimit = PushReader.MaxFiles + 16 }) is not { } form)
        {
            return;
        }

        var id = (string)context.GetRouteValue("id")!;
        string? upload = null;
        try
        {
            upload = staging.NewFolder();
            string source;
            var isZip = form.Files.GetFile("zip") is { Length: > 0 };
            if (isZip)
            {
                source = Path.Combine(upload, "upload.zip");
                await using var target = File.Create(source);
                await form.Files.GetFile("zip")!.CopyToAsync(target, context.RequestAborted);
            }
            else if (form.Files.GetFiles("folder") is { Count: > 0 } files)
            {
                source = AssignmentOptions.Private(Path.Combine(upload, "upload"));
                var relatives = new List<string>(files.Count);
                foreach (var file in files)
                {
                    // Browsers send "folder/sub/file.txt"; the top folder is the one chosen, so it is dropped.
                    var relative = file.FileName.Replace('\\', '/');
                    relative = relative.Contains('/', StringComparison.Ordinal) ? relative[(relative.IndexOf('/', StringComparison.Ordinal) + 1)..] : relative;
                    if (RelativePath.Problem(relative) is { } problem)
                    {
                        await pages.Error(context, StatusCodes.Status400BadRequest, "Push refused", $"'{file.FileName}': {problem}. Nothing was pushed.");
                        return;
                    }

                    relatives.Add(relative);
                }

                // Checked before anything is written: a second "a", or "a" beside "a/b", would overwrite or fail half-way.
                if (PushReader.Conflicts(relatives, "the upload") is { Count: > 0 } conflicts)
                {
                    await pages.Error(context, StatusCodes.Status400BadRequest, "Push refused", $"The upload has more than one file for the same path: {string.Join("; ", conflicts.Take(10))}. Nothing was pushed; choose the folder again.");
                    return;
                }

                foreach (var (file, relative) in files.Zip(relatives))
                {
                    var path = Path.Combine(source, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                    await file.CopyToAsync(target, context.RequestAborted);
                }
            }
            else
            {
                await pages.Error(context, StatusCodes.Status400BadRequest, "Nothing to push", "Choose a .zip file or a folder, then push again.");
                return;
            }

            DateTimeOffset? due = null;
            if (form["due"].ToString() is { Length: > 0 } dueText)
            {
                if (!DateTimeOffset.TryParse(dueText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
                {
                    await pages.Error(context, StatusCodes.Status400BadRequest, "Bad due date", $"'{dueText}' is not a date; write it like 2026-12-01T23:59:00+01:00.");
                    return;
                }

                due = parsed;
            }

            var section = form["section"].ToString() is { Length: > 0 } s ? s : null;
            var name = form["name"].ToString().Trim();
            var result = publisher.Publish(new PushRequest(id, name, source, isZip, section, due, form["refuse_late"] == "true" ? true : null, caller.Name, isZip ? form.Files.GetFile("zip")!.FileName : "the uploaded folder"));
            if (!result.Ok)
            {
                await pages.Error(context, result.Failure.Reason == "disk-full" ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status400BadRequest, "Push refused", result.Failure.UserMessage);
                return;
            }

            var release = result.Value;
            worker.Wake();
            var total = tasks.Progress(id, release.Assignment.Name, release.Release).FirstOrDefault(p => p.Release == release.Release)?.Total ?? 0;
            var warnings = release.Warnings.Count == 0 ? "" : "<p>Skipped:</p><ul>" + string.Concat(release.Warnings.Select(w => $"<li>{Html.E(w)}</li>")) + "</ul>";
            await pages.Render(context, "Pushed", $"<section class=\"card wide\"><h1>Release {release.Release} of {Html.E(release.Assignment.Name)}</h1><p class=\"status ok\" role=\"status\">{release.Files.Count} files; delivering to {total} students in the background.</p>{warnings}<p><a class=\"button\" href=\"/hub/courses/{Html.Attr(id)}\">Back to the course (shows progress)</a></p></section>");
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            await pages.Error(context, StatusCodes.Status507InsufficientStorage, "Push refused", DiskFull.Message($"pushing to {id}", options.DataDir, "nothing was pushed", "push again") + ".");
        }
        finally
        {
            if (upload is not null && Directory.Exists(upload))
            {
                Directory.Delete(upload, recursive: true);
            }
        }
    }

    private async Task Download(HttpContext context)
    {
        if (await Staff(context) is null)
        {
            return;
        }

        var id = (string)context.GetRouteValue("id")!;
        var name = (string)context.GetRouteValue("name")!;
        if (assignments.Find(id, name) is null)
        {
            await pages.Error(context, StatusCodes.Status404NotFound, "No such assignment", $"{id} has no assignment {name}.");
            return;
        }

        // Built in a file of the hub's (deleted when closed), not in memory: a class's submissions can be gigabytes.
        var temp = Path.Combine(AssignmentOptions.Private(Path.Combine(options.DataDir, "downloads")), Guid.NewGuid().ToString("N") + ".zip");
        await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var latest = assignments.LatestSubmissions(id, name);
        await Task.Run(() => SubmissionArchive.Write(file, latest), context.RequestAborted);
        file.Position = 0;
        context.Response.ContentType = "application/zip";
        context.Response.ContentLength = file.Length;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}-{name}-submissions.zip\"";
        await file.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<Caller?> Staff(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path));
            return null;
        }

        var id = (string)context.GetRouteValue("id")!;
        if (!caller.IsAdmin && courses.Member(id, caller.UserId) is not { IsStaff: true, IsActive: true })
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Staff only", $"Only the instructors and TAs of {id} can do this.");
            return null;
        }

        return caller;
    }
}
