namespace Classhub.Acme.Protocol;

/// <summary>Problem types this client acts on (RFC 8555 section 6.7), plus ours for local failures.</summary>
internal static class AcmeProblemTypes
{
    public const string Prefix = "urn:ietf:params:acme:error:";
    public const string BadNonce = Prefix + "badNonce";
    public const string RateLimited = Prefix + "rateLimited";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string AccountDoesNotExist = Prefix + "accountDoesNotExist";

    /// <summary>The CA could not be reached (DNS, TCP, TLS).</summary>
    public const string Transport = "urn:classhub:acme:transport";

    /// <summary>The CA answered something this client cannot use (wrong shape, missing header).</summary>
    public const string UnexpectedResponse = "urn:classhub:acme:unexpectedResponse";

    /// <summary>An authorization or order did not reach a final state in time.</summary>
    public const string Timeout = "urn:classhub:acme:timeout";

    /// <summary>A challenge or order ended invalid without an error document.</summary>
    public const string Invalid = "urn:classhub:acme:invalid";

    /// <summary>The CA requires external account binding (RFC 8555 section 7.3.4), which this client does not do.</summary>
    public const string ExternalAccountRequired = "urn:classhub:acme:externalAccountRequired";

    /// <summary>The CA offered no challenge type this client can answer (http-01).</summary>
    public const string NoSupportedChallenge = "urn:classhub:acme:noSupportedChallenge";
}
