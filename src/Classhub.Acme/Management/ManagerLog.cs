using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Management;

internal static partial class ManagerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Using stored certificate {Serial}, valid until {NotAfter}")]
    public static partial void UsingStoredCertificate(this ILogger logger, string serial, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No usable stored certificate; serving a temporary self-signed one until the CA issues one")]
    public static partial void ServingTemporary(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Certificate {Serial} valid until {NotAfter}; renewal due {RenewAt}")]
    public static partial void RenewalScheduled(this ILogger logger, string serial, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Obtaining a certificate failed ({Failures} in a row), keeping the current one, next try at {NextAttempt}: {Problem}")]
    public static partial void AttemptFailed(this ILogger logger, int failures, DateTimeOffset nextAttempt, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewal information unavailable, falling back to the one-third-of-lifetime rule: {Problem}")]
    public static partial void RenewalInfoUnavailable(this ILogger logger, string problem);
}
