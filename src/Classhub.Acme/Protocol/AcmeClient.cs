using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Protocol;

/// <summary>
/// One conversation with an ACME server (RFC 8555): directory, nonces, JWS-signed POSTs with badNonce
/// retries, and typed calls. Not thread-safe: one issuance at a time uses one client.
/// </summary>
internal sealed class AcmeClient
{
    // A CA may reject any nonce (RFC 8555 section 6.5: badNonce is retryable); Pebble rejects a configured
    // share of good ones. Ten tries make a run of rejections at 50% a one-in-a-thousand event.
    private const int MaxBadNonceAttempts = 10;

    private readonly AcmeTransport _transport;
    private readonly Uri _directoryUrl;
    private readonly AccountKey _key;
    private readonly ILogger _logger;
    private AcmeDirectory? _directory;

    public AcmeClient(HttpClient http, Uri directoryUrl, AccountKey key, TimeProvider time, ILogger logger)
    {
        _transport = new AcmeTransport(http, time);
        _directoryUrl = directoryUrl;
        _key = key;
        _logger = logger;
    }

    /// <summary>The account URL (JWS <c>kid</c>) once <see cref="NewAccountAsync"/> succeeded.</summary>
    public string? AccountUrl { get; private set; }

    public AccountKey Key => _key;

    public async Task<AcmeResult<AcmeDirectory>> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            return AcmeResult<AcmeDirectory>.Success(_directory);
        }
        const string Doing = "reading the ACME directory";
        var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, _directoryUrl), Doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        var directory = AcmeJson.Parse(response.Value.Body, AcmeJsonContext.Default.AcmeDirectory, Doing);
        if (directory.Ok)
        {
            _directory = directory.Value;
        }
        return directory;
    }

    /// <summary>Creates the account, or finds the existing one for this key (RFC 8555 section 7.3.1).</summary>
    public async Task<AcmeResult<NewAccountOutcome>> NewAccountAsync(string? email, CancellationToken cancellationToken)
    {
        const string Doing = "registering the ACME account";
        var directory = await GetDirectoryAsync(cancellationToken);
        if (!directory.Ok)
        {
            return directory.Problem;
        }
        if (directory.Value.Meta?.ExternalAccountRequired == true)
        {
            return new AcmeProblem(
                AcmeProblemTypes.ExternalAccountRequired,
                "this CA requires external account binding, which classhub does not support; use a CA without it (e.g. Let's Encrypt)",
                Doing);
        }
        var request = new AcmeNewAccountRequest(true, string.IsNullOrWhiteSpace(email) ? null : ["mailto:" + email]);
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, AcmeJsonContext.Default.AcmeNewAccountRequest);
        var response = await PostAsync(directory.Value.NewAccount, payload, Doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        if (response.Value.Location is null)
        {
            return AcmeJson.Unexpected(Doing, "the newAccount response has no Location header");
        }
        AccountUrl = response.Value.Location;
        var created = response.Value.Status == HttpStatusCode.Created;
        _logger.AccountReady(AccountUrl, created ? "created" : "existing");
        return AcmeResult<NewAccountOutcome>.Success(new NewAccountOutcome(AccountUrl, created));
    }

    public async Task<AcmeResult<(string Url, AcmeOrder Order)>> NewOrderAsync(IReadOnlyList<string> domains, string? replaces, CancellationToken cancellationToken)
    {
        const string Doing = "creating the certificate order";
        var directory = await GetDirectoryAsync(cancellationToken);
        if (!directory.Ok)
        {
            return directory.Problem;
        }
        var request = new AcmeNewOrderRequest([.. domains.Select(d => new AcmeIdentifier("dns", d))], replaces);
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, AcmeJsonContext.Default.AcmeNewOrderRequest);
        var response = await PostAsync(directory.Value.NewOrder, payload, Doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        if (response.Value.Location is null)
        {
            return AcmeJson.Unexpected(Doing, "the newOrder response has no Location header");
        }
        var order = AcmeJson.Parse(response.Value.Body, AcmeJsonContext.Default.AcmeOrder, Doing);
        if (!order.Ok)
        {
            return order.Problem;
        }
        return AcmeResult<(string, AcmeOrder)>.Success((response.Value.Location, order.Value));
    }

    public Task<AcmeResult<Polled<AcmeAuthorization>>> GetAuthorizationAsync(string url, CancellationToken cancellationToken) =>
        PostAsGetAsync(url, AcmeJsonContext.Default.AcmeAuthorization, "reading an authorization", cancellationToken);

    public Task<AcmeResult<Polled<AcmeOrder>>> GetOrderAsync(string url, CancellationToken cancellationToken) =>
        PostAsGetAsync(url, AcmeJsonContext.Default.AcmeOrder, "reading the order", cancellationToken);

    /// <summary>Tells the CA the challenge response is ready (payload <c>{}</c>, RFC 8555 section 7.5.1).</summary>
    public async Task<AcmeResult<AcmeChallenge>> RespondToChallengeAsync(string url, CancellationToken cancellationToken)
    {
        const string Doing = "answering the http-01 challenge";
        var payload = JsonSerializer.SerializeToUtf8Bytes(new EmptyObject(), AcmeJsonContext.Default.EmptyObject);
        var response = await PostAsync(url, payload, Doing, cancellationToken);
        return response.Ok ? AcmeJson.Parse(response.Value.Body, AcmeJsonContext.Default.AcmeChallenge, Doing) : response.Problem;
    }

    public async Task<AcmeResult<Polled<AcmeOrder>>> FinalizeAsync(string url, byte[] csrDer, CancellationToken cancellationToken)
    {
        const string Doing = "finalizing the order";
        var request = new AcmeFinalizeRequest(System.Buffers.Text.Base64Url.EncodeToString(csrDer));
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, AcmeJsonContext.Default.AcmeFinalizeRequest);
        var response = await PostAsync(url, payload, Doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        var order = AcmeJson.Parse(response.Value.Body, AcmeJsonContext.Default.AcmeOrder, Doing);
        return order.Ok ? AcmeResult<Polled<AcmeOrder>>.Success(new Polled<AcmeOrder>(order.Value, response.Value.RetryAfter)) : order.Problem;
    }

    /// <summary>Downloads the PEM chain: leaf first, then intermediates (RFC 8555 section 7.4.2).</summary>
    public async Task<AcmeResult<string>> DownloadCertificateAsync(string url, CancellationToken cancellationToken)
    {
        const string Doing = "downloading the certificate";
        var response = await PostAsync(url, null, Doing, cancellationToken, "application/pem-certificate-chain");
        if (!response.Ok)
        {
            return response.Problem;
        }
        var pem = System.Text.Encoding.UTF8.GetString(response.Value.Body);
        return pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? AcmeResult<string>.Success(pem)
            : AcmeJson.Unexpected(Doing, "the response is not a PEM certificate chain");
    }

    /// <summary>RFC 9773: an unauthenticated GET of <c>renewalInfo/{certID}</c>.</summary>
    public async Task<AcmeResult<Polled<AcmeRenewalInfo>>> GetRenewalInfoAsync(string renewalInfoUrl, string certId, CancellationToken cancellationToken)
    {
        const string Doing = "reading the certificate's renewal information";
        var url = renewalInfoUrl.TrimEnd('/') + "/" + certId;
        var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), Doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        var info = AcmeJson.Parse(response.Value.Body, AcmeJsonContext.Default.AcmeRenewalInfo, Doing);
        return info.Ok ? AcmeResult<Polled<AcmeRenewalInfo>>.Success(new Polled<AcmeRenewalInfo>(info.Value, response.Value.RetryAfter)) : info.Problem;
    }

    private async Task<AcmeResult<Polled<T>>> PostAsGetAsync<T>(string url, JsonTypeInfo<T> type, string doing, CancellationToken cancellationToken)
    {
        var response = await PostAsync(url, null, doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        var value = AcmeJson.Parse(response.Value.Body, type, doing);
        return value.Ok ? AcmeResult<Polled<T>>.Success(new Polled<T>(value.Value, response.Value.RetryAfter)) : value.Problem;
    }

    /// <summary>A JWS-signed POST; <paramref name="payload"/> null is POST-as-GET (empty payload).</summary>
    private async Task<AcmeResult<AcmeResponse>> PostAsync(string url, byte[]? payload, string doing, CancellationToken cancellationToken, string accept = "application/json")
    {
        for (var attempt = 1; ; attempt++)
        {
            var nonce = await TakeNonceAsync(doing, cancellationToken);
            if (!nonce.Ok)
            {
                return nonce.Problem;
            }
            var body = JwsSigner.Sign(_key, url, nonce.Value, AccountUrl, payload ?? []);
            var response = await _transport.SendAsync(
                () =>
                {
                    var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
                    var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
                    request.Headers.Accept.ParseAdd(accept);
                    return request;
                },
                doing,
                cancellationToken);
            if (!response.Ok && response.Problem.Type == AcmeProblemTypes.BadNonce && attempt < MaxBadNonceAttempts)
            {
                _logger.BadNonceRetry(url, attempt);
                continue;
            }
            return response;
        }
    }

    private async Task<AcmeResult<string>> TakeNonceAsync(string doing, CancellationToken cancellationToken)
    {
        if (_transport.TakeNonce() is { } saved)
        {
            return AcmeResult<string>.Success(saved);
        }
        var directory = await GetDirectoryAsync(cancellationToken);
        if (!directory.Ok)
        {
            return directory.Problem;
        }
        var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, directory.Value.NewNonce), doing, cancellationToken);
        if (!response.Ok)
        {
            return response.Problem;
        }
        if (_transport.TakeNonce() is not { } fresh)
        {
            return AcmeJson.Unexpected(doing, "newNonce answered without a Replay-Nonce header");
        }
        return AcmeResult<string>.Success(fresh);
    }
}

internal sealed record NewAccountOutcome(string AccountUrl, bool Created);

/// <summary>A resource read from the CA with the Retry-After that came with it (used to pace polling).</summary>
internal sealed record Polled<T>(T Resource, TimeSpan? RetryAfter);
