using Classhub.Hub.Auth;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Pages;

/// <summary>Reads a posted form and checks its CSRF token; a bad or missing token gets the 403 page, never a 500.</summary>
internal sealed class FormGuard(PageRenderer pages)
{
    public async Task<IFormCollection?> ReadAsync(HttpContext context)
    {
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException)
            {
                form = null;
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
