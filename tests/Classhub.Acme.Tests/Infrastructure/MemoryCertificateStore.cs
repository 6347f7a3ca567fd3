using Classhub.Acme.Certificates;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>Keeps the store's values in memory, for unit tests of the manager's schedule.</summary>
internal sealed class MemoryCertificateStore : ICertificateStore
{
    public string? AccountKey { get; set; }

    public string? Certificate { get; set; }

    public Task<string?> LoadAccountKeyAsync(CancellationToken cancellationToken) => Task.FromResult(AccountKey);

    public Task SaveAccountKeyAsync(string privateKeyPem, CancellationToken cancellationToken)
    {
        AccountKey = privateKeyPem;
        return Task.CompletedTask;
    }

    public Task<string?> LoadCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(Certificate);

    public Task SaveCertificateAsync(string pemBundle, CancellationToken cancellationToken)
    {
        Certificate = pemBundle;
        return Task.CompletedTask;
    }
}
