using Microsoft.AspNetCore.Http.Metadata;

namespace Classhub.Hub.Hosting;

/// <summary>
/// The request body limit of the hub's own endpoints (routing applies it before the endpoint runs). Forms and JSON
/// are small; the upload endpoints raise their own limit, and only after they know the caller may upload.
/// </summary>
internal sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata
{
    /// <summary>Every hub endpoint that does not say otherwise: sign-in and other forms, API JSON.</summary>
    public static readonly BodyLimit Default = new(1024 * 1024);
}
