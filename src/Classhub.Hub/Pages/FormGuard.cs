using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Pages;

/// <summary>
/// Reads a posted form and checks its CSRF token; a body that is not a readable form gets the 400 page saying so, a
/// bad or missing token the 403 page, never a 500.
/// </summary>
internal sealed class FormGuard(PageRenderer pages)
{
    public async Task<IFormCollection?> ReadAsync(HttpContext context)
    {
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            (form, var problem) = await FormBody.ReadAsync(context);
            if (problem is not null)
            {
                await pages.Error(context, StatusCodes.Status400BadRequest, "Form not readable", $"{problem}. Go back, reload the page and try again.");
                return null;
            }
        }

        if (form is null || !Csrf.IsValid(context, form[Csrf.FieldName].ToString()))
        {
            await pages.Error(context, StatusCodes.Status403Forbidden, "Form expired", "This form was missing its security token or it expired. Go back, reload the page and try again.");
            return null;
        }

        return form;
    }
}
