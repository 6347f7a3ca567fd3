using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Classhub.Hub.Api;

namespace Classhub.Tls;

/// <summary>
/// <c>tls.mode = "manual"</c>: a PEM chain and key from files, reloaded when either file changes (checked at most
/// every few seconds, on handshakes), so an external tool can replace them without restarting the hub.
/// </summary>
internal sealed class ManualCertificateSource : ICertificateSource
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private (SslStreamCertificateContext Context, X509Certificate2 Leaf, DateTime CertWritten, DateTime KeyWritten) _current;
    private DateTimeOffset _checkedAt;
    private string? _lastError;

    public ManualCertificateSource(string certPath, string keyPath, TimeProvider time)
    {
        _certPath = certPath;
        _keyPath = keyPath;
        _time = time;
        _current = Load();
        _checkedAt = time.GetUtcNow();
    }

    public SslStreamCertificateContext Select(string? hostName)
    {
        var now = _time.GetUtcNow();
        if (now - _checkedAt >= CheckEvery)
        {
            lock (_lock)
            {
                if (now - _checkedAt >= CheckEvery)
                {
                    _checkedAt = now;
                    Reload();
                }
            }
        }

        return _current.Context;
    }

    public HealthCheckModel Health()
    {
        var leaf = _current.Leaf;
        var detail = $"{_certPath}: {leaf.Subject}, expires {leaf.NotAfter.ToUniversalTime():u}" + (_lastError is null ? "" : $"; reloading failed: {_lastError}");
        return new HealthCheckModel(leaf.NotAfter > _time.GetUtcNow().UtcDateTime, detail);
    }

    private void Reload()
    {
        if (File.GetLastWriteTimeUtc(_certPath) == _current.CertWritten && File.GetLastWriteTimeUtc(_keyPath) == _current.KeyWritten)
        {
            return;
        }

        try
        {
            _current = Load();
            _lastError = null;
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // Keep serving the certificate that worked; say why on /hub/health.
            _lastError = e.Message;
        }
    }

    private (SslStreamCertificateContext, X509Certificate2, DateTime, DateTime) Load()
    {
        var certWritten = File.GetLastWriteTimeUtc(_certPath);
        var keyWritten = File.GetLastWriteTimeUtc(_keyPath);
        var leaf = X509Certificate2.CreateFromPemFile(_certPath, _keyPath);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(_certPath);
        var intermediates = new X509Certificate2Collection(chain.Cast<X509Certificate2>().Skip(1).ToArray());
        return (SslStreamCertificateContext.Create(leaf, intermediates, offline: true), leaf, certWritten, keyWritten);
    }
}
