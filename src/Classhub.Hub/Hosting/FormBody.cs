using Classhub.Storage.Database;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Classhub.Hub.Hosting;

/// <summary>
/// Reads a posted form (urlencoded or multipart), telling a body that is not the form it claims to be (a multipart
/// body without its boundary or cut short, more than 1,024 fields, a field over 4 MB) from everything else: that is
/// the sender's mistake, a value with a one-line problem; a full disk or a body over the size limit is not, and is
/// thrown on (see <see cref="RequestFailures"/>).
/// </summary>
internal static class FormBody
{
    /// <param name="options">The endpoint's own form limits (an upload's), or null for the defaults.</param>
    public static async Task<(IFormCollection? Form, string? Problem)> ReadAsync(HttpContext context, FormOptions? options = null)
    {
        try
        {
            var form = options is null
                ? await context.Request.ReadFormAsync(context.RequestAborted)
                : await context.Request.ReadFormAsync(options, context.RequestAborted);
            return (form, null);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return (null, Problem(e));
        }
    }

    /// <summary>True for what a form reader throws on a body that is not a well-formed form.</summary>
    public static bool IsMalformed(Exception e) =>
        e is InvalidDataException
        || (e is IOException and not BadHttpRequestException and not FileNotFoundException and not DirectoryNotFoundException && StorageFailure.Of(e, "") is null);

    /// <summary>True when <paramref name="e"/> came out of reading this request's form (a form read was begun and gave no form).</summary>
    public static bool FailedOn(HttpContext context, Exception e) =>
        IsMalformed(e) && context.Request.HasFormContentType && context.Features.Get<IFormFeature>() is { Form: null };

    public static string Problem(Exception e) =>
        $"the form could not be read ({e.Message.TrimEnd('.')}); send application/x-www-form-urlencoded, or multipart/form-data with its boundary, at most 1,024 fields";
}
