using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Protocol;

namespace Classhub.Acme.Renewal;

/// <summary>Reads RFC 9773 renewal information for a certificate, when the CA offers it.</summary>
internal static class RenewalInfoReader
{
    // How long to trust an answer without a Retry-After before asking again (RFC 9773 suggests hours).
    public static readonly TimeSpan DefaultRecheck = TimeSpan.FromHours(6);

    /// <summary>
    /// Success(null) when the CA has no <c>renewalInfo</c> or the certificate cannot be named (no AKI): the
    /// caller uses its own rule. A problem when the CA offers ARI but the answer could not be had or read.
    /// </summary>
    public static async Task<AcmeResult<RenewalAdvice?>> ReadAsync(AcmeClient client, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        const string Doing = "reading the certificate's renewal information";
        var certId = CertificateId.For(certificate);
        if (certId is null)
        {
            return AcmeResult<RenewalAdvice?>.Success(null);
        }
        var directory = await client.GetDirectoryAsync(cancellationToken);
        if (!directory.Ok)
        {
            return directory.Problem;
        }
        if (directory.Value.RenewalInfo is not { } renewalInfoUrl)
        {
            return AcmeResult<RenewalAdvice?>.Success(null);
        }
        var info = await client.GetRenewalInfoAsync(renewalInfoUrl, certId, cancellationToken);
        if (!info.Ok)
        {
            return info.Problem;
        }
        var window = info.Value.Resource.SuggestedWindow;
        if (!Rfc3339.TryParse(window.Start, out var start) || !Rfc3339.TryParse(window.End, out var end))
        {
            return new AcmeProblem(AcmeProblemTypes.UnexpectedResponse, $"the suggested window \"{window.Start}\"..\"{window.End}\" is not RFC 3339", Doing);
        }
        return AcmeResult<RenewalAdvice?>.Success(new RenewalAdvice(new RenewalWindow(start, end), info.Value.RetryAfter ?? DefaultRecheck));
    }
}
