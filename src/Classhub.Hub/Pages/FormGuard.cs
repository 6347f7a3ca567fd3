using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Classhub.Hub.Pages;

/// <summary>
/// Reads a posted form and checks its CSRF token. Whatever the sender got wrong is a page that says so, never a 500:
/// a body that is not a valid form or upload (no multipart boundary, a cut-off part) is a 400, one over the endpoint's
/// limit a 413, a missing or stale token a 403. Callers decide who is asking before they call this (it reads the body).
/// </summary>
internal sealed class FormGuard(PageRenderer pages)
{
    public async Task<IFormCollection?> ReadAsync(HttpContext context, FormOptions? options = null)
    {
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            try
            {
                (form, var problem) = await FormBody.ReadAsync(context, options);
                if (problem is not null)
                {
                    await NotAnUpload(context, problem);
                    return null;
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await pages.Error(context, StatusCodes.Status413PayloadTooLarge, "Too large", "What you sent is larger than this form accepts. Nothing was changed.");
                return null;
            }
        }
        else if (context.Request.ContentType is { Length: > 0 } contentType)
        {
            await NotAnUpload(context, $"its Content-Type is '{contentType}', not a form");
            return null;
        }

        if (form is null || !Csrf.IsValid(context, form[Csrf.FieldName].ToString()))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Form expired", "This form was missing its security token or it expired. Go back, reload the page and try again.");
            return null;
        }

        return form;
    }

    private Task NotAnUpload(HttpContext context, string why) =>
        pages.Error(context, StatusCodes.Status400BadRequest, "Not a valid upload", $"What was sent is not a valid upload ({why.TrimEnd('.')}). Nothing was changed. Reload the page and send the form again.");
}
