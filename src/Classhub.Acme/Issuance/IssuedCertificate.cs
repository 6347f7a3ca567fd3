namespace Classhub.Acme.Issuance;

/// <summary>What one successful issuance produced: the PEM bundle for the store, and the account used.</summary>
internal sealed record IssuedCertificate(string PemBundle, string AccountUrl, bool AccountCreated);
