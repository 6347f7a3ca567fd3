using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Certificates;
using Classhub.Acme.Challenges;
using Classhub.Acme.Issuance;
using Classhub.Acme.Protocol;
using Classhub.Acme.Renewal;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Management;

/// <summary>
/// Keeps one certificate for the configured domains: loads the stored one (or serves a self-signed
/// stand-in), obtains and renews on schedule, keeps the old certificate and backs off on failure, and
/// hands the current one to Kestrel per handshake (<see cref="Select"/>) so renewals need no restart.
/// </summary>
internal sealed class CertificateManager : BackgroundService
{
    // Longest single sleep, so a wall-clock jump is noticed within the hour.
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    private readonly AcmeOptions _options;
    private readonly ICertificateStore _store;
    private readonly CertificateIssuer _issuer;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateManager> _logger;
    private readonly Random _random;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _stateLock = new();
    private CertificateBundle? _current;
    private CertificateStatus _status;

    public CertificateManager(
        AcmeOptions options,
        ICertificateStore store,
        Http01ChallengeStore challenges,
        HttpClient http,
        TimeProvider time,
        ILogger<CertificateManager> logger,
        Random? random = null)
    {
        _options = options;
        _store = store;
        _http = http;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared;
        _issuer = new CertificateIssuer(challenges, time, logger);
        _status = new CertificateStatus(null, null, true, null, time.GetUtcNow(), 0, null, null, null, null);
    }

    public CertificateStatus Status
    {
        get
        {
            lock (_stateLock)
            {
                return _status;
            }
        }
    }

    /// <summary>The certificate being served; null only before <see cref="InitializeAsync"/>.</summary>
    public CertificateBundle? Current => Volatile.Read(ref _current);

    /// <summary>For <c>HttpsConnectionAdapterOptions.ServerCertificateSelector</c>: the current certificate, for any host name.</summary>
    public X509Certificate2? Select(ConnectionContext? connection, string? hostName) => Current?.Certificate;

    /// <summary>
    /// For TLS set-ups that take a context (e.g. <c>TlsHandshakeCallbackOptions</c>): the current certificate with
    /// its intermediates, which <see cref="Select"/> alone cannot convey.
    /// </summary>
    public SslStreamCertificateContext? SelectContext(string? hostName) => Current?.Context;

    /// <summary>
    /// Loads the stored certificate if it is usable for the domains, else installs the self-signed stand-in,
    /// so <see cref="Select"/> has a certificate before Kestrel takes its first connection. No network:
    /// a stored certificate is scheduled by the one-third rule and the CA's renewal information is read by
    /// the first <see cref="RunDueWorkAsync"/>.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var stored = await _store.LoadCertificateAsync(cancellationToken);
        var bundle = stored is null ? null : CertificateBundle.TryParse(stored);
        if (bundle is not null && bundle.IsUsableFor(_options.Domains, now))
        {
            _logger.UsingStoredCertificate(bundle.SerialNumber, bundle.NotAfter);
            Install(bundle, accountUrl: null, issued: false);
            lock (_stateLock)
            {
                _status = _status with { NextAttempt = now };
            }
            return;
        }
        _logger.ServingTemporary();
        InstallTemporary(now);
        lock (_stateLock)
        {
            _status = _status with { NextAttempt = now };
        }
    }

    // The stand-in lives a week; while the CA keeps failing it is replaced before it expires.
    private void InstallTemporary(DateTimeOffset now)
    {
        var temporary = SelfSignedCertificate.Create(_options.Domains, now);
        Volatile.Write(ref _current, temporary);
        lock (_stateLock)
        {
            _status = _status with { SerialNumber = temporary.SerialNumber, NotAfter = temporary.NotAfter, IsTemporary = true, RenewAt = null };
        }
    }

    /// <summary>Installs the current certificate before the hosted service's loop (and Kestrel) starts.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Current is null)
        {
            await InitializeAsync(cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// One issuance attempt now. On success the new certificate is stored, served and scheduled; on failure
    /// the current certificate stays, and the next attempt is backed off. Either way the result says which.
    /// </summary>
    public async Task<AcmeResult<CertificateBundle>> RenewNowAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await RenewAsync(cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Does whatever is due: a renewal or retry, or an ARI re-check that may move the renewal time.</summary>
    public async Task RunDueWorkAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var status = Status;
            if (now < status.NextAttempt)
            {
                return;
            }
            var current = Current;
            if (current is { IsTemporary: true } && now > current.NotAfter - TimeSpan.FromDays(1))
            {
                InstallTemporary(now);
            }
            if (current is { IsTemporary: false } && status.ConsecutiveFailures == 0 && status.RenewAt is { } renewAt && now < renewAt)
            {
                await ScheduleRenewalAsync(current, cancellationToken);
                return;
            }
            await RenewAsync(cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Status.NextAttempt - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait > MaxSleep ? MaxSleep : wait, _time, stoppingToken);
                continue;
            }
            await RunDueWorkAsync(stoppingToken);
        }
    }

    public override void Dispose()
    {
        _oneAtATime.Dispose();
        base.Dispose();
    }

    private async Task<AcmeResult<CertificateBundle>> RenewAsync(CancellationToken cancellationToken)
    {
        var result = await IssueAsync(cancellationToken);
        if (!result.Ok)
        {
            RecordFailure(result.Problem);
            return result.Problem;
        }
        var bundle = CertificateBundle.Parse(result.Value.PemBundle, isTemporary: false);
        await _store.SaveCertificateAsync(result.Value.PemBundle, cancellationToken);
        Install(bundle, result.Value.AccountUrl, issued: true);
        await ScheduleRenewalAsync(bundle, cancellationToken);
        return AcmeResult<CertificateBundle>.Success(bundle);
    }

    private async Task<AcmeResult<IssuedCertificate>> IssueAsync(CancellationToken cancellationToken)
    {
        using var key = await LoadOrCreateAccountKeyAsync(cancellationToken);
        var client = new AcmeClient(_http, _options.DirectoryUrl, key, _time, _logger);
        var replaces = Current is { IsTemporary: false } current ? await ReplacesAsync(client, current, cancellationToken) : null;
        return await _issuer.IssueAsync(client, _options.Domains, _options.Email, _options.KeyType, replaces, cancellationToken);
    }

    // RFC 9773 section 5: name the certificate being replaced, but only to a CA that speaks ARI.
    private static async Task<string?> ReplacesAsync(AcmeClient client, CertificateBundle current, CancellationToken cancellationToken)
    {
        var directory = await client.GetDirectoryAsync(cancellationToken);
        return directory.Ok && directory.Value.RenewalInfo is not null ? CertificateId.For(current.Certificate) : null;
    }

    private async Task<AccountKey> LoadOrCreateAccountKeyAsync(CancellationToken cancellationToken)
    {
        var pem = await _store.LoadAccountKeyAsync(cancellationToken);
        if (pem is not null)
        {
            return AccountKey.FromPem(pem);
        }
        var key = AccountKey.Create();
        await _store.SaveAccountKeyAsync(key.ToPem(), cancellationToken);
        return key;
    }

    // Serves the bundle, scheduled by the one-third rule until the CA's renewal information refines it.
    private void Install(CertificateBundle bundle, string? accountUrl, bool issued)
    {
        var renewAt = RenewalSchedule.RenewAt(bundle.NotBefore, bundle.NotAfter, window: null, random: 0);
        Volatile.Write(ref _current, bundle);
        lock (_stateLock)
        {
            _status = _status with
            {
                SerialNumber = bundle.SerialNumber,
                NotAfter = bundle.NotAfter,
                IsTemporary = false,
                RenewAt = renewAt,
                NextAttempt = renewAt,
                ConsecutiveFailures = 0,
                LastIssuedAt = issued ? _time.GetUtcNow() : _status.LastIssuedAt,
                AccountUrl = accountUrl ?? _status.AccountUrl,
            };
        }
    }

    private void RecordFailure(AcmeProblem problem)
    {
        var now = _time.GetUtcNow();
        CertificateStatus status;
        lock (_stateLock)
        {
            var failures = _status.ConsecutiveFailures + 1;
            var next = now + RenewalSchedule.Backoff(failures, _random.NextDouble(), problem.RetryAfter);
            _status = status = _status with { ConsecutiveFailures = failures, LastError = problem, LastErrorAt = now, NextAttempt = next };
        }
        _logger.AttemptFailed(status.ConsecutiveFailures, status.NextAttempt, problem.Message);
    }

    private async Task ScheduleRenewalAsync(CertificateBundle bundle, CancellationToken cancellationToken)
    {
        using var key = await LoadOrCreateAccountKeyAsync(cancellationToken);
        var client = new AcmeClient(_http, _options.DirectoryUrl, key, _time, _logger);
        var advice = await RenewalInfoReader.ReadAsync(client, bundle.Certificate, cancellationToken);
        if (!advice.Ok)
        {
            _logger.RenewalInfoUnavailable(advice.Problem.Message);
        }
        var window = advice.Ok ? advice.Value?.Window : null;
        var recheck = advice.Ok ? advice.Value?.Recheck : RenewalInfoReader.DefaultRecheck;
        var renewAt = RenewalSchedule.RenewAt(bundle.NotBefore, bundle.NotAfter, window, _random.NextDouble());
        var next = renewAt;
        if (recheck is { } later && _time.GetUtcNow() + later < renewAt)
        {
            next = _time.GetUtcNow() + later;
        }
        lock (_stateLock)
        {
            _status = _status with { RenewAt = renewAt, NextAttempt = next };
        }
        _logger.RenewalScheduled(bundle.SerialNumber, bundle.NotAfter, renewAt);
    }
}
