using System.Globalization;
using System.Text;
using Classhub.Core.Courses;
using Classhub.Hub.Auth;
using Classhub.Hub.Changes;
using Classhub.Hub.Courses.Roster;
using Classhub.Hub.Courses.RosterImport;
using Classhub.Hub.Pages;
using Classhub.Storage.Courses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Courses;

/// <summary>
/// The course page: students see the course; staff (its TAs and instructors) and admins see the roster and import a
/// new one in two steps — upload and see the plan (nothing changes), then confirm. The uploaded file waits in
/// <see cref="RosterUploads"/> between the two steps, so the confirmed import is exactly the previewed file.
/// </summary>
internal sealed class CourseEndpoints(
    CallerResolver callers,
    CourseStore courses,
    RosterImporter importer,
    PageRenderer pages,
    FormGuard forms,
    ChangeWatcher changes,
    RosterUploads uploads,
    Datasets.DatasetEndpoints datasets,
    Assignments.AssignmentPage assignmentPage)
{
    public const long MaxUploadBytes = 10 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<CourseEndpoints>();
        app.MapGet("/hub/courses/{id}", e.Show);
        app.MapPost("/hub/courses/{id}/roster/preview", e.Preview);
        app.MapPost("/hub/courses/{id}/roster/apply", e.Apply);
    }

    /// <summary>The "My courses" card for the home page; empty when the caller is in no course.</summary>
    public string MyCourses(Caller caller)
    {
        var mine = courses.MembershipsOf(caller.UserId).Where(m => m.Status == MemberStatus.Active).ToList();
        if (mine.Count == 0)
        {
            return "";
        }

        var items = string.Concat(mine.Select(m =>
            $"<li><a href=\"/hub/courses/{Html.Attr(m.Course.Id)}\">{Html.E(m.Course.Title)}</a>{(m.Course.Term is { } t ? $" <span class=\"muted\">{Html.E(t)}</span>" : "")}{(m.Role == CourseRole.Student ? "" : $" ({CourseId.RoleName(m.Role)})")}</li>"));
        return $"<section class=\"card\" id=\"my-courses\"><h2>My courses</h2><ul>{items}</ul></section>";
    }

    private async Task Show(HttpContext context)
    {
        if (SignedIn(context) is not { } caller)
        {
            return;
        }

        var id = (string)context.GetRouteValue("id")!;
        var (course, member) = Lookup(id, caller);
        if (course is null || (member is null && !caller.IsAdmin))
        {
            await pages.Error(context, StatusCodes.Status404NotFound, "No such course", $"There is no course {id} that you are in.");
            return;
        }

        var header = $"<h1>{Html.E(course.Title)}</h1><p class=\"muted\">{Html.E(course.Id)}{(course.Term is { } t ? " · " + Html.E(t) : "")}</p>";
        if (!IsStaff(caller, member))
        {
            await pages.Render(context, course.Title, $"<section class=\"card\">{header}</section>{assignmentPage.Section(context, id, caller.UserId, staff: false)}{datasets.Section(context, id, staff: false)}");
            return;
        }

        var members = courses.Members(id);
        var rows = new StringBuilder();
        foreach (var m in members)
        {
            rows.Append(CultureInfo.InvariantCulture,
                $"<tr><th scope=\"row\">{(m.Role == CourseRole.Student ? $"<a href=\"{Html.Attr(StudentFiles.StudentFilesView.Url(m.UserName, [id], folder: true))}\" title=\"Their files in this course\">{Html.E(m.UserName)}</a>" : Html.E(m.UserName))}</th><td>{Html.E(m.Name ?? "")}</td><td>{Html.E(m.Email ?? "")}</td><td>{CourseId.RoleName(m.Role)}</td><td>{Html.E(m.Section ?? "")}</td><td data-status=\"{CourseId.StatusName(m.Status)}\">{CourseId.StatusName(m.Status)}</td></tr>");
        }

        var formats = string.Concat(RosterFormatNames.All.Select(f => $"<option value=\"{f}\">{f}</option>"));
        var body = $"""
            <section class="card wide">{header}
            <h2>Roster ({members.Count(m => m.IsActive)} active)</h2>
            <div class="table-scroll"><table id="roster"><thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Section</th><th scope="col">Status</th></tr></thead>
            <tbody>{rows}</tbody></table></div></section>
            {assignmentPage.Section(context, id, caller.UserId, staff: true)}
            <section class="card"><h2>Import a roster</h2>
            <p>Upload the CSV exported from Canvas, Moodle, GitHub Classroom or a spreadsheet. You will see what changes before anything is applied.</p>
            <form method="post" action="/hub/courses/{Html.Attr(id)}/roster/preview" enctype="multipart/form-data">{pages.CsrfField(context)}
            <p><label for="roster-file">Roster file</label> <input id="roster-file" type="file" name="file" accept=".csv,.txt,text/csv" required></p>
            <p><label for="roster-format">Format</label> <select id="roster-format" name="format">{formats}</select></p>
            <p><label><input type="checkbox" name="drop_missing" value="true"> Drop students who are not in the file (their files are kept)</label></p>
            <p><label><input type="checkbox" name="skip_invalid" value="true"> Import the valid rows even if some rows have errors</label></p>
            <button type="submit" class="primary">Preview the import</button></form></section>
            {datasets.Section(context, id, staff: true)}
            """;
        await pages.Render(context, course.Title, body);
    }

    private async Task Preview(HttpContext context)
    {
        // Who is asking is decided before the body is read; only the course's staff may send a roster file.
        if (SignedIn(context) is not { } caller || await StaffCourseAsync(context, caller) is not { } course)
        {
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes + (1 << 20);
        }

        if (await forms.ReadAsync(context) is not { } form)
        {
            return;
        }

        if (form.Files["file"] is not { } file || file.Length == 0)
        {
            await pages.Error(context, StatusCodes.Status400BadRequest, "No file", "Choose the roster CSV file to upload, then preview again.");
            return;
        }

        if (file.Length > MaxUploadBytes)
        {
            await pages.Error(context, StatusCodes.Status413PayloadTooLarge, "File too large", $"A roster file may be at most {MaxUploadBytes / (1024 * 1024)} MB.");
            return;
        }

        RosterUpload upload;
        await using (var content = file.OpenReadStream())
        {
            upload = await uploads.SaveAsync(course.Id, content, context.RequestAborted);
        }

        var format = RosterFormatNames.Parse(form["format"]) ?? RosterFormat.Auto;
        var flags = new RosterImportOptions(form["drop_missing"] == "true", form["skip_invalid"] == "true");
        RosterImportOutcome outcome;
        await using (var stream = File.OpenRead(upload.Path))
        {
            var result = importer.Import(course.Id, stream, format, flags, dryRun: true);
            outcome = result.Value!;
        }

        var confirm = outcome.Plan.CanApply
            ? $"""
              <form method="post" action="/hub/courses/{Html.Attr(course.Id)}/roster/apply">{pages.CsrfField(context)}
              <input type="hidden" name="upload" value="{upload.Id}"><input type="hidden" name="format" value="{RosterFormatNames.Name(format)}">
              <input type="hidden" name="drop_missing" value="{(flags.DropMissing ? "true" : "false")}"><input type="hidden" name="skip_invalid" value="{(flags.SkipInvalid ? "true" : "false")}">
              <button type="submit" class="primary">Confirm the import</button> <a class="button" href="/hub/courses/{Html.Attr(course.Id)}">Cancel</a></form>
              """
            : $"<p class=\"error\" role=\"alert\">The file has errors, so nothing can be imported. Fix them and upload it again.</p><p><a class=\"button\" href=\"/hub/courses/{Html.Attr(course.Id)}\">Back</a></p>";
        if (!outcome.Plan.CanApply)
        {
            RosterUploads.Discard(upload);
        }

        await pages.Render(context, "Roster preview", $"<section class=\"card wide\"><h1>Roster preview: {Html.E(course.Title)}</h1><p>Nothing has changed yet.</p>{PlanHtml(outcome.Plan)}{confirm}</section>");
    }

    private async Task Apply(HttpContext context)
    {
        if (SignedIn(context) is not { } caller || await StaffCourseAsync(context, caller) is not { } course || await forms.ReadAsync(context) is not { } form)
        {
            return;
        }

        if (uploads.Find(course.Id, form["upload"].ToString()) is not { } upload)
        {
            await pages.Error(context, StatusCodes.Status400BadRequest, "Upload expired", $"The previewed file is gone (it was already imported, or it waited more than {RosterUploads.Lifetime.TotalMinutes:0} minutes). Upload it again.");
            return;
        }

        var format = RosterFormatNames.Parse(form["format"]) ?? RosterFormat.Auto;
        var flags = new RosterImportOptions(form["drop_missing"] == "true", form["skip_invalid"] == "true");
        RosterImportOutcome outcome;
        await using (var stream = File.OpenRead(upload.Path))
        {
            outcome = importer.Import(course.Id, stream, format, flags, dryRun: false).Value!;
        }

        RosterUploads.Discard(upload);
        changes.NotifyLocalChange();
        var verdict = outcome.Applied
            ? "<p class=\"status ok\" role=\"status\">The roster was imported.</p>"
            : "<p class=\"error\" role=\"alert\">The roster was not imported: nothing changed.</p>";
        await pages.Render(context, "Roster imported", $"<section class=\"card wide\"><h1>Roster import: {Html.E(course.Title)}</h1>{verdict}{PlanHtml(outcome.Plan)}<p><a class=\"button\" href=\"/hub/courses/{Html.Attr(course.Id)}\">Back to the course</a></p></section>");
    }

    private static string PlanHtml(RosterPlan plan)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>Format: {Html.E(RosterFormatNames.Name(plan.Format))}</p><table id=\"plan\"><tbody>");
        foreach (var (label, names) in new[] { ("Added", plan.Added), ("Updated", plan.Updated), ("Unchanged", plan.Unchanged), ("Missing (left as they are)", plan.Missing), ("Dropped", plan.Dropped) })
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{label}</th><td>{names.Count}</td><td>{Html.E(string.Join(", ", names))}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (plan.Errors.Count > 0)
        {
            html.Append("<h2>Errors</h2><ul class=\"errors\">");
            foreach (var e in plan.Errors)
            {
                html.Append("<li>").Append(Html.E(e.ToString())).Append("</li>");
            }

            html.Append("</ul>");
        }

        if (plan.Warnings.Count > 0)
        {
            html.Append("<h2>Warnings</h2><ul class=\"warnings\">");
            foreach (var w in plan.Warnings)
            {
                html.Append("<li>").Append(Html.E(w.ToString())).Append("</li>");
            }

            html.Append("</ul>");
        }

        return html.ToString();
    }

    private (Course? Course, CourseMember? Member) Lookup(string id, Caller caller)
    {
        var course = CourseId.Problem(id) is null ? courses.Find(id) : null;
        return (course, course is null ? null : courses.Member(id, caller.UserId));
    }

    private static bool IsStaff(Caller caller, CourseMember? member) => caller.IsAdmin || member is { IsStaff: true, IsActive: true };

    private async Task<Course?> StaffCourseAsync(HttpContext context, Caller caller)
    {
        var id = (string)context.GetRouteValue("id")!;
        var (course, member) = Lookup(id, caller);
        if (course is null || !IsStaff(caller, member))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Staff only", $"Only the instructors and TAs of {id} can import its roster.");
            return null;
        }

        return course;
    }

    private Caller? SignedIn(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path));
        }

        return caller;
    }
}
