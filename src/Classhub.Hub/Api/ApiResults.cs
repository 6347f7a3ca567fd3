using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Api;

/// <summary>JupyterHub-shaped error bodies: <c>{"status": 404, "message": "..."}</c>.</summary>
internal static class ApiResults
{
    public static IResult Error(int status, string message) =>
        Results.Json(new ApiError(status, message), HubJsonContext.Default.ApiError, statusCode: status);

    public static IResult NotFound(string what) => Error(StatusCodes.Status404NotFound, $"{what} not found");

    public static IResult Forbidden(string action) => Error(StatusCodes.Status403Forbidden, $"not allowed to {action}");

    public static IResult Unauthorized() => Error(StatusCodes.Status403Forbidden, "missing or invalid credentials: sign in or send 'Authorization: token <token>'");
}
