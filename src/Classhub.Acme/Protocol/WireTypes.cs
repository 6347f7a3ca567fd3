using System.Text.Json.Serialization;

namespace Classhub.Acme.Protocol;

// RFC 8555 wire shapes (camelCase on the wire). Only the fields this client reads or writes.

internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder, string? RenewalInfo, AcmeDirectoryMeta? Meta);

internal sealed record AcmeDirectoryMeta(string? TermsOfService, bool? ExternalAccountRequired);

internal sealed record AcmeNewAccountRequest(bool TermsOfServiceAgreed, IReadOnlyList<string>? Contact);

internal sealed record AcmeAccount(string? Status);

internal sealed record AcmeIdentifier(string Type, string Value);

/// <summary><c>replaces</c> is RFC 9773's CertID of the certificate this order renews.</summary>
internal sealed record AcmeNewOrderRequest(IReadOnlyList<AcmeIdentifier> Identifiers, string? Replaces);

internal sealed record AcmeOrder(
    string Status,
    IReadOnlyList<string> Authorizations,
    string Finalize,
    string? Certificate,
    AcmeProblemDocument? Error);

internal sealed record AcmeAuthorization(string Status, AcmeIdentifier Identifier, IReadOnlyList<AcmeChallenge> Challenges);

internal sealed record AcmeChallenge(string Type, string Url, string Status, string? Token, AcmeProblemDocument? Error);

internal sealed record AcmeFinalizeRequest(string Csr);

internal sealed record AcmeProblemDocument(string? Type, string? Detail, IReadOnlyList<AcmeProblemDocument>? Subproblems);

/// <summary>RFC 9773 renewal information. Times stay strings: CAs send RFC 3339 with up to 9 fraction digits.</summary>
internal sealed record AcmeRenewalInfo(AcmeSuggestedWindow SuggestedWindow, [property: JsonPropertyName("explanationURL")] string? ExplanationUrl);

internal sealed record AcmeSuggestedWindow(string Start, string End);

internal sealed record Jwk(string Kty, string Crv, string X, string Y);

internal sealed record JwsProtectedHeader(string Alg, string Nonce, string Url, Jwk? Jwk, string? Kid);

internal sealed record JwsMessage(string Protected, string Payload, string Signature);

internal sealed record EmptyObject;
