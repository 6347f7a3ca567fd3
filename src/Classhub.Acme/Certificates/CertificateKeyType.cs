namespace Classhub.Acme.Certificates;

/// <summary>The key type of issued certificates (not the account key, which is always P-256).</summary>
internal enum CertificateKeyType
{
    EcdsaP256,
    Rsa2048,
}
