using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Protocol;

internal static partial class AcmeLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "ACME server rejected nonce for {Url} (attempt {Attempt}); retrying with a fresh one")]
    public static partial void BadNonceRetry(this ILogger logger, string url, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME account {AccountUrl} ({Outcome})")]
    public static partial void AccountReady(this ILogger logger, string accountUrl, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME order {OrderUrl} for {Domains}")]
    public static partial void OrderCreated(this ILogger logger, string orderUrl, string domains);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answering http-01 challenge for {Domain}")]
    public static partial void AnsweringChallenge(this ILogger logger, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Certificate issued for {Domains}: {CertificateUrl}")]
    public static partial void CertificateIssued(this ILogger logger, string domains, string certificateUrl);
}
