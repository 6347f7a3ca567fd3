using Classhub.Acme.Protocol;

namespace Classhub.Acme.Management;

/// <summary>A snapshot for the health page and metrics.</summary>
/// <param name="IsTemporary">True while the self-signed stand-in is served.</param>
/// <param name="RenewAt">When the current certificate is due for renewal (null while temporary).</param>
/// <param name="NextAttempt">When the manager next acts (renewal, retry, or an ARI re-check).</param>
internal sealed record CertificateStatus(
    string? SerialNumber,
    DateTimeOffset? NotAfter,
    bool IsTemporary,
    DateTimeOffset? RenewAt,
    DateTimeOffset NextAttempt,
    int ConsecutiveFailures,
    AcmeProblem? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? LastIssuedAt,
    string? AccountUrl);
