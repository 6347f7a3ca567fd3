using Classhub.Hub.Api;
using Classhub.Storage.Courses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Courses;

/// <summary><c>GET /hub/api/courses</c> (the caller's courses; all for admins) and <c>GET /hub/api/courses/{id}/roster</c> (staff and admins).</summary>
internal sealed class CourseApiEndpoints(ApiCaller api, CourseStore courses)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<CourseApiEndpoints>();
        app.MapGet("/hub/api/courses", e.List);
        app.MapGet("/hub/api/courses/{id}/roster", e.Roster);
    }

    private Task List(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            return error!.ExecuteAsync(context);
        }

        var mine = courses.MembershipsOf(caller.UserId).ToDictionary(m => m.Course.Id, StringComparer.Ordinal);
        var models = caller.IsAdmin
            ? courses.List().Select(c => mine.TryGetValue(c.Id, out var m) ? CourseWire.From(c, m.Role, m.Status) : CourseWire.From(c, null, null)).ToList()
            : mine.Values.Select(m => CourseWire.From(m.Course, m.Role, m.Status)).ToList();
        return Results.Json(models, CourseJsonContext.Default.ListCourseModel).ExecuteAsync(context);
    }

    private Task Roster(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            return error!.ExecuteAsync(context);
        }

        var id = (string)context.GetRouteValue("id")!;
        if (courses.Find(id) is null)
        {
            return ApiResults.NotFound($"course {id}").ExecuteAsync(context);
        }

        if (!caller.IsAdmin && courses.Member(id, caller.UserId) is not { IsStaff: true, IsActive: true })
        {
            return ApiResults.Forbidden($"read the roster of {id}").ExecuteAsync(context);
        }

        var roster = courses.Members(id).Select(CourseWire.From).ToList();
        return Results.Json(roster, CourseJsonContext.Default.ListRosterMemberModel).ExecuteAsync(context);
    }
}
