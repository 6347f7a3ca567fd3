using Classhub.Acme.Certificates;
using Classhub.Acme.Management;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>Pebble plus the test's challenge server: what a test class shares.</summary>
public abstract class AcmeEnvironment : IAsyncLifetime
{
    public static readonly IReadOnlyList<string> Domains = ["hub.classhub.test", "www.classhub.test"];

    private readonly PebbleSettings _settings;
    private readonly List<string> _storeDirectories = [];
    private ChallengeServer? _challenges;
    private PebbleServer? _pebble;

    private protected AcmeEnvironment(PebbleSettings settings)
    {
        _settings = settings;
    }

    internal ChallengeServer Challenges => _challenges ?? throw new InvalidOperationException("not started");

    internal PebbleServer Pebble => _pebble ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _challenges = await ChallengeServer.StartAsync();
        _pebble = await PebbleServer.StartAsync(_settings, _challenges.Port);
    }

    public async Task DisposeAsync()
    {
        if (_pebble is not null)
        {
            await _pebble.DisposeAsync();
        }
        if (_challenges is not null)
        {
            await _challenges.DisposeAsync();
        }
        foreach (var directory in _storeDirectories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public string NewStoreDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "classhub-acme-store-" + Guid.NewGuid().ToString("N"));
        _storeDirectories.Add(directory);
        return directory;
    }

    internal AcmeOptions Options(string storeDirectory, CertificateKeyType keyType = CertificateKeyType.EcdsaP256) => new()
    {
        Domains = Domains,
        Email = "admin@classhub.test",
        DirectoryUrl = Pebble.DirectoryUrl,
        StateDirectory = storeDirectory,
        KeyType = keyType,
    };

    internal CertificateManager CreateManager(
        string storeDirectory,
        CertificateKeyType keyType = CertificateKeyType.EcdsaP256,
        ILogger<CertificateManager>? logger = null) => new(
        Options(storeDirectory, keyType),
        new FileCertificateStore(storeDirectory),
        Challenges.Store,
        Pebble.CreateTrustingClient(),
        TimeProvider.System,
        logger ?? NullLogger<CertificateManager>.Instance);
}

public sealed class DefaultPebble() : AcmeEnvironment(new PebbleSettings());

public sealed class ShortLivedPebble() : AcmeEnvironment(new PebbleSettings(CertificateValiditySeconds: 12, ChainLength: 2));

public sealed class NonceRejectingPebble() : AcmeEnvironment(new PebbleSettings(NonceRejectPercent: 50));

public sealed class FailingValidationPebble() : AcmeEnvironment(new PebbleSettings());
