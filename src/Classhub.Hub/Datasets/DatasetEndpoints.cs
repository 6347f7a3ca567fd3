using Classhub.Core.Courses;
using Classhub.Core.Datasets;
using Classhub.Hub.Auth;
using Classhub.Hub.Changes;
using Classhub.Hub.Pages;
using Classhub.Storage.Courses;
using Classhub.Storage.Datasets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Datasets;

/// <summary>
/// The datasets part of the course page: staff add and remove datasets (CSRF-checked forms); everyone in the course
/// sees the datasets and kernels they get. Changes reach running servers through <see cref="DatasetReconciler"/>.
/// </summary>
internal sealed class DatasetEndpoints(
    CallerResolver callers,
    CourseStore courses,
    DatasetCatalog catalog,
    DatasetPolicy policy,
    DatasetStore store,
    IDatasetMounts mounts,
    PageRenderer pages,
    FormGuard forms,
    ChangeWatcher changes)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<DatasetEndpoints>();
        app.MapPost("/hub/courses/{id}/datasets/add", e.Add);
        app.MapPost("/hub/courses/{id}/datasets/remove", e.Remove);
    }

    /// <summary>The section for the course page: forms for staff, the list for students.</summary>
    public string Section(HttpContext context, string courseId, bool staff)
    {
        var datasets = store.ForCourse(courseId);
        var items = string.Concat(datasets.Select(d =>
            $"<li><code>~/datasets/{Html.E(d.Name)}</code>{(staff ? $" <span class=\"muted\">{Html.E(d.Path)}</span> <form method=\"post\" action=\"/hub/courses/{Html.Attr(courseId)}/datasets/remove\" class=\"inline\">{pages.CsrfField(context)}<input type=\"hidden\" name=\"name\" value=\"{Html.Attr(d.Name)}\"><button type=\"submit\">Remove</button></form>" : "")}</li>"));
        var kernels = store.Kernels().Where(k => k.CourseId is null || k.CourseId == courseId).ToList();
        var kernelItems = string.Concat(kernels.Select(k => $"<li>{Html.E(k.DisplayName)} <span class=\"muted\">{Html.E(k.Name)}</span></li>"));
        var note = mounts.ReadOnlyByKernel
            ? "Datasets are read-only and appear in running servers within seconds; no restart needed."
            : "Development mode: datasets are symlinks, protected only by file permissions.";
        var list = datasets.Count == 0 ? "<p class=\"muted\">No datasets yet.</p>" : $"<ul id=\"datasets\">{items}</ul>";
        var kernelList = kernels.Count == 0 ? "" : $"<h3>Kernels</h3><ul id=\"kernels\">{kernelItems}</ul>";
        var form = staff
            ? $"""
              <form method="post" action="/hub/courses/{Html.Attr(courseId)}/datasets/add">{pages.CsrfField(context)}
              <p><label for="dataset-name">Dataset name</label> <input id="dataset-name" name="name" required pattern="[a-z0-9][a-z0-9_.\-]{"{0,63}"}"></p>
              <p><label for="dataset-path">Folder on the server</label> <input id="dataset-path" name="path" required placeholder="{Html.Attr(policy.FirstRoot)}/..."></p>
              <p class="muted">Course staff can share folders under {Html.E(policy.Roots.Count == 0 ? "none (ask an admin)" : string.Join(", ", policy.Roots))}.</p>
              <button type="submit" class="primary">Add dataset</button></form>
              """
            : "";
        var title = staff ? "Datasets" : "My datasets and kernels";
        return $"<section class=\"card\" id=\"course-datasets\"><h2>{title}</h2><p class=\"muted\">{note}</p>{list}{kernelList}{form}</section>";
    }

    private Task Add(HttpContext context) => ChangeAsync(context, (caller, courseId, form) => catalog.Add(courseId, form["name"].ToString().Trim(), form["path"].ToString().Trim(), byAdmin: caller.IsAdmin));

    private Task Remove(HttpContext context) => ChangeAsync(context, (_, courseId, form) => catalog.Remove(courseId, form["name"].ToString().Trim()));

    private async Task ChangeAsync(HttpContext context, Func<Caller, string, IFormCollection, string?> change)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path));
            return;
        }

        if (await forms.ReadAsync(context) is not { } form)
        {
            return;
        }

        var id = (string)context.GetRouteValue("id")!;
        var course = CourseId.Problem(id) is null ? courses.Find(id) : null;
        var member = course is null ? null : courses.Member(id, caller.UserId);
        if (course is null || !(caller.IsAdmin || member is { IsStaff: true, IsActive: true }))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Staff only", $"Only the instructors and TAs of {id} can change its datasets.");
            return;
        }

        if (change(caller, id, form) is { } problem)
        {
            await pages.Error(context, StatusCodes.Status400BadRequest, "Dataset not changed", problem);
            return;
        }

        changes.NotifyLocalChange();
        context.Response.Redirect($"/hub/courses/{Uri.EscapeDataString(id)}#course-datasets");
    }
}
