using System.Text;
using Classhub.Core.Users;
using Classhub.Hub.Auth;
using Classhub.Hub.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Classhub.Hub.StudentFiles;

/// <summary>
/// <c>/hub/users/{name}/files/…</c>: the safe way for staff to look at a student's work, instead of opening the
/// student's live server. Folders are listed; notebooks are rendered on the hub (<see cref="NotebookHtml"/>) and text
/// files shown escaped, under a Content-Security-Policy that allows no script at all; anything else is a download the
/// browser must not open or sniff. Who may see what: <see cref="StudentFilesAccess"/>.
/// </summary>
internal sealed class StudentFilesEndpoints(CallerResolver callers, StudentFilesAccess access, IUnixAccounts accounts, PageRenderer pages)
{
    /// <summary>No script, no frame, no plugin, no request anywhere but the hub's own stylesheet and data: images.</summary>
    public const string Policy = "default-src 'none'; img-src data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const long MaxNotebookBytes = 20 * 1024 * 1024;
    private const long MaxTextBytes = 1024 * 1024;
    private const long MaxDownloadBytes = 512L * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<StudentFilesEndpoints>();
        app.MapGet("/hub/users/{name}/files/{**path}", e.Show);
    }

    /// <summary>
    /// The answer to staff who try to open a student's live server: why not, and the way to the student's files (403).
    /// Null when <paramref name="caller"/> may not look at them either (then the ordinary refusal applies).
    /// </summary>
    public Task? RefuseLiveServer(HttpContext context, Caller caller, string owner)
    {
        if (access.For(caller, owner) is null)
        {
            return null;
        }

        var body = $"""
            <section class="card"><h1>Open the student's files instead</h1>
            <p>Staff do not open a student's live server with their hub session: the student's code runs there, and its pages
            could run the student's scripts in your browser, where they could act as you on the hub.</p>
            <p>The file viewer shows the student's folders and notebooks without running anything of theirs.</p>
            <p><a class="button primary" href="{Html.Attr(StudentFilesView.Url(owner, [], folder: true))}">Look at the files of {Html.E(owner)}</a></p></section>
            """;
        return pages.Render(context, "Open the student's files instead", body, StatusCodes.Status403Forbidden);
    }

    private async Task Show(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            return;
        }

        var owner = (string)context.GetRouteValue("name")!;
        var segments = ((context.GetRouteValue("path") as string) ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (access.For(caller, owner) is not { } scope || !scope.Allows(segments))
        {
            await Error(context, StatusCodes.Status403Forbidden, "Not yours to see", $"You may not look at these files of {owner}.");
            return;
        }

        if (accounts.Find(owner) is not { } account)
        {
            await Error(context, StatusCodes.Status404NotFound, "No files", $"{owner} has no home on this machine yet.");
            return;
        }

        switch (HomeFiles.Open(account, segments))
        {
            case HomeItem.Folder folder:
                await Page(context, owner, StudentFilesView.Listing(owner, segments, folder, scope));
                break;
            case HomeItem.File file when segments.Length > 0:
                using (file.Handle)
                {
                    await (context.Request.Query.ContainsKey("download") ? DownloadAsync(context, segments[^1], file) : ViewAsync(context, owner, segments, file));
                }

                break;
            default:
                await Error(context, StatusCodes.Status404NotFound, "Not found", "There is no such file or folder, or it is not one the viewer opens (links and special files are never followed).");
                break;
        }
    }

    private async Task ViewAsync(HttpContext context, string owner, string[] segments, HomeItem.File file)
    {
        var notebook = segments[^1].EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase);
        string content;
        if (file.Size > (notebook ? MaxNotebookBytes : MaxTextBytes))
        {
            content = StudentFilesView.NotShown(file.Size, "Too large to show here");
        }
        else
        {
            var bytes = await ReadAsync(file, (int)file.Size, context.RequestAborted);
            content = (notebook ? NotebookHtml.Render(bytes) : null)
                ?? (AsText(bytes.Span) is { } text ? StudentFilesView.Text(text) : StudentFilesView.NotShown(file.Size, "Not text"));
        }

        await Page(context, owner, StudentFilesView.File(owner, segments, content));
    }

    private static async Task DownloadAsync(HttpContext context, string name, HomeItem.File file)
    {
        if (file.Size > MaxDownloadBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsync($"{name} is larger than {MaxDownloadBytes / (1024 * 1024)} MB; copy it on the server instead.\n");
            return;
        }

        var headers = context.Response.Headers;
        context.Response.ContentType = "application/octet-stream";
        headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name }.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = Policy + "; sandbox";
        headers.CacheControl = "no-store";
        var buffer = new byte[64 * 1024];
        long offset = 0;
        while (offset < file.Size)
        {
            // At most the size the file had when it was opened, however it grows meanwhile.
            var read = await RandomAccess.ReadAsync(file.Handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, file.Size - offset)), offset, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            offset += read;
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAsync(HomeItem.File file, int size, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        var total = 0;
        while (total < size)
        {
            var read = await RandomAccess.ReadAsync(file.Handle, bytes.AsMemory(total), total, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return bytes.AsMemory(0, total);
    }

    /// <summary>The bytes as text when they are UTF-8 without NUL characters; null for anything binary.</summary>
    private static string? AsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Contains((byte)0))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private Task Page(HttpContext context, string owner, string body) =>
        pages.Render(context, $"Files of {owner}", body, contentSecurityPolicy: Policy);

    private Task Error(HttpContext context, int status, string title, string message) =>
        pages.Render(context, title, $"<section class=\"card\"><h1>{Html.E(title)}</h1><p>{Html.E(message)}</p><p><a class=\"button\" href=\"/hub/home\">Go to your home page</a></p></section>", status, contentSecurityPolicy: Policy);
}
