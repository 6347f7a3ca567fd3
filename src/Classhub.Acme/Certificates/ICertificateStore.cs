namespace Classhub.Acme.Certificates;

/// <summary>
/// Where the ACME account key and the current certificate live between restarts.
/// <para>
/// Contract: values are opaque PEM text written by the certificate manager and handed back unchanged.
/// A load returns null when nothing was saved yet (never throws for "missing"). A save replaces the previous
/// value atomically: after a crash a load returns either the old or the new value, never a mix, and the
/// value is durable once the returned task completes. Saves are idempotent. Stored values are secrets
/// (private keys): an implementation keeps them readable by the service only. The manager calls one
/// method at a time; cancellation may abandon a save, which then leaves the old value in place.
/// </para>
/// </summary>
public interface ICertificateStore
{
    /// <summary>The account key as PKCS#8 PEM; reusing it reuses the ACME account.</summary>
    Task<string?> LoadAccountKeyAsync(CancellationToken cancellationToken);

    Task SaveAccountKeyAsync(string privateKeyPem, CancellationToken cancellationToken);

    /// <summary>
    /// The certificate as one PEM bundle: leaf first, then intermediates, then the leaf's PKCS#8 private
    /// key. One value, so the certificate and its key can never be saved out of step.
    /// </summary>
    Task<string?> LoadCertificateAsync(CancellationToken cancellationToken);

    Task SaveCertificateAsync(string pemBundle, CancellationToken cancellationToken);
}
