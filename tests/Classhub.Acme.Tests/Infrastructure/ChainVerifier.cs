using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Certificates;

namespace Classhub.Acme.Tests.Infrastructure;

internal static class ChainVerifier
{
    /// <summary>Builds the bundle's chain against exactly one trusted root; returns the chain status problems.</summary>
    public static (bool Valid, int Length, string Problems) Verify(CertificateBundle bundle, string rootPem)
    {
        using var root = X509Certificate2.CreateFromPem(rootPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(bundle.Intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var valid = chain.Build(bundle.Certificate);
        var problems = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation));
        return (valid, chain.ChainElements.Count, problems);
    }
}
