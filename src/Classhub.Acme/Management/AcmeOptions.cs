using Classhub.Acme.Certificates;

namespace Classhub.Acme.Management;

/// <summary>
/// What the certificate manager needs. Suggested config keys in parentheses; the hub maps its config here
/// (and decides <c>tls.mode</c>: only "acme" uses this library).
/// </summary>
internal sealed record AcmeOptions
{
    public static readonly Uri LetsEncryptProduction = new("https://acme-v02.api.letsencrypt.org/directory");

    /// <summary>DNS names for the certificate, first one is the CN (<c>domain</c>, plus <c>tls.extra_domains</c>).</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>Contact for expiry and policy mail (<c>tls.email</c>); optional.</summary>
    public string? Email { get; init; }

    /// <summary>The CA's directory URL (<c>acme.directory</c>).</summary>
    public Uri DirectoryUrl { get; init; } = LetsEncryptProduction;

    /// <summary>PEM file with the root to trust for the CA's own HTTPS (<c>acme.ca_root</c>); null = system store.</summary>
    public string? CaRootPath { get; init; }

    /// <summary>Where the account key and certificate live (e.g. <c>/var/lib/classhub/acme</c>).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Issued certificates' key type (<c>tls.key_type</c>: "ecdsa-p256" or "rsa-2048").</summary>
    public CertificateKeyType KeyType { get; init; } = CertificateKeyType.EcdsaP256;

    /// <summary>Every problem with these options, each with its fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Domains.Count == 0)
        {
            problems.Add("domain: no domain is set; set \"domain\" to the name students use, e.g. \"hub.example.edu\".");
        }
        foreach (var domain in Domains)
        {
            if (Uri.CheckHostName(domain) != UriHostNameType.Dns || domain.StartsWith('*'))
            {
                problems.Add($"domain: \"{domain}\" is not a DNS name an http-01 certificate can cover; use a plain host name such as \"hub.example.edu\".");
            }
        }
        if (Email is not null && !Email.Contains('@', StringComparison.Ordinal))
        {
            problems.Add($"tls.email: \"{Email}\" is not an e-mail address; set it to e.g. \"admin@example.edu\" or remove it.");
        }
        if (DirectoryUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"acme.directory: \"{DirectoryUrl}\" must be an https URL, e.g. \"{LetsEncryptProduction}\".");
        }
        if (CaRootPath is not null && !File.Exists(CaRootPath))
        {
            problems.Add($"acme.ca_root: \"{CaRootPath}\" does not exist; point it at the CA root PEM file or remove the key.");
        }
        return problems;
    }
}
