using Classhub.Hub.Auth;
using Microsoft.AspNetCore.Http;

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
}
