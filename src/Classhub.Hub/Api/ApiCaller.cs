using Classhub.Hub.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Classhub.Hub.Api;

/// <summary>Identifies the caller of an API request; cookie-authenticated unsafe requests must carry the CSRF header.</summary>
internal sealed class ApiCaller(CallerResolver resolver)
{
    /// <summary>The caller, or an error result to send instead.</summary>
    public (Caller? Caller, IResult? Error) Require(HttpContext context)
    {
        var caller = resolver.Resolve(context);
        if (caller is null)
        {
            return (null, ApiResults.Unauthorized());
        }

        if (caller.ViaSession && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !Csrf.IsValid(context, null))
        {
            return (null, ApiResults.Error(StatusCodes.Status403Forbidden, $"a browser request needs the {Csrf.HeaderName} header"));
        }

        return (caller, null);
    }

    /// <summary>
    /// For <c>/hub/api/users/{name}/…</c>: the caller and the user the route names, when the caller holds
    /// <paramref name="scope"/> on that user; otherwise the error to send instead (401, the CSRF 403, or a 403 saying
    /// the caller may not do <paramref name="action"/> of that user).
    /// </summary>
    public (Caller? Caller, string Name, IResult? Error) RequireOnUser(HttpContext context, string scope, Func<string, string> action)
    {
        var name = (string)context.GetRouteValue("name")!;
        var (caller, error) = Require(context);
        if (caller is null)
        {
            return (null, name, error);
        }

        return caller.Can(scope, name) ? (caller, name, null) : (null, name, ApiResults.Forbidden(action(name)));
    }
}
