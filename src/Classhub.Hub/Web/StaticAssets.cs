using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Classhub.Hub.Web;

/// <summary>
/// Serves web/ (embedded in the binary at build time) under <c>/hub/static/</c>, with strong ETags. No CDN: the
/// appliance works offline.
/// </summary>
internal static class StaticAssets
{
    private const string Prefix = "web/static/";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/hub/static/{**file}", Serve);

    private static Task Serve(HttpContext context)
    {
        var file = context.GetRouteValue("file") as string ?? "";
        if (!Assets.TryGetValue(file, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Bytes.Length;
        return context.Response.Body.WriteAsync(asset.Bytes).AsTask();
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            assets[name[Prefix.Length..]] = new Asset(bytes, ContentTypeOf(name), etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
