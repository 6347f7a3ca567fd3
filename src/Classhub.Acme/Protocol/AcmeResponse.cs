using System.Net;

namespace Classhub.Acme.Protocol;

/// <summary>A successful ACME response, read fully: status, Location, Retry-After and the body.</summary>
internal sealed record AcmeResponse(HttpStatusCode Status, string? Location, TimeSpan? RetryAfter, byte[] Body);
