using Classhub.Hub.Api;
using Classhub.Storage.Courses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Assignments;

/// <summary>
/// <c>POST /hub/api/courses/{course}/assignments/{name}/submit</c> (the caller submits their own folder) and
/// <c>GET /hub/api/courses/{course}/assignments/{name}/status</c> (staff and admins).
/// </summary>
internal sealed class AssignmentApiEndpoints(ApiCaller api, CourseStore courses, SubmissionTaker submissions, Storage.Assignments.AssignmentStore assignments)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<AssignmentApiEndpoints>();
        app.MapPost("/hub/api/courses/{course}/assignments/{name}/submit", e.Submit);
        app.MapGet("/hub/api/courses/{course}/assignments/{name}/status", e.Status);
    }

    private async Task Submit(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var course = (string)context.GetRouteValue("course")!;
        var name = (string)context.GetRouteValue("name")!;
        var result = await submissions.SubmitAsync(course, name, caller.Name, context.RequestAborted);
        if (!result.Ok)
        {
            var status = result.Failure.Reason switch
            {
                "not-found" or "nothing-to-submit" => StatusCodes.Status404NotFound,
                "past-due" => StatusCodes.Status403Forbidden,
                "too-large" => StatusCodes.Status413PayloadTooLarge,
                "disk-full" => StatusCodes.Status507InsufficientStorage,
                _ => StatusCodes.Status400BadRequest,
            };
            await ApiResults.Error(status, result.Failure.UserMessage).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        await Results.Json(SubmissionModel.From(result.Value), AssignmentJsonContext.Default.SubmissionModel, statusCode: 201).ExecuteAsync(context);
    }

    private Task Status(HttpContext context)
    {
        var (caller, error) = api.Require(context);
        if (caller is null)
        {
            return error!.ExecuteAsync(context);
        }

        var course = (string)context.GetRouteValue("course")!;
        var name = (string)context.GetRouteValue("name")!;
        if (!caller.IsAdmin && courses.Member(course, caller.UserId) is not { IsStaff: true, IsActive: true })
        {
            return ApiResults.Forbidden($"see the status of {course}/{name}").ExecuteAsync(context);
        }

        if (assignments.Find(course, name) is null)
        {
            return ApiResults.NotFound($"assignment {course}/{name}").ExecuteAsync(context);
        }

        var rows = assignments.Status(course, name).Select(StudentStatusModel.From).ToList();
        return Results.Json(rows, AssignmentJsonContext.Default.ListStudentStatusModel).ExecuteAsync(context);
    }
}
