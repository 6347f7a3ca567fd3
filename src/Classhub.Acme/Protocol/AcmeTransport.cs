using System.Net.Http.Headers;

namespace Classhub.Acme.Protocol;

/// <summary>
/// HTTP to the CA: sends a request, keeps the Replay-Nonce of every response, and turns transport errors
/// and problem documents (RFC 7807) into <see cref="AcmeProblem"/> values with the server's Retry-After.
/// </summary>
internal sealed class AcmeTransport
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private string? _lastNonce;

    public AcmeTransport(HttpClient http, TimeProvider time)
    {
        _http = http;
        _time = time;
    }

    /// <summary>The newest unused Replay-Nonce, taken (each nonce is good for one request).</summary>
    public string? TakeNonce()
    {
        var nonce = _lastNonce;
        _lastNonce = null;
        return nonce;
    }

    /// <summary>Sends, keeps any Replay-Nonce, and turns transport errors and problem documents into values.</summary>
    public async Task<AcmeResult<AcmeResponse>> SendAsync(Func<HttpRequestMessage> makeRequest, string doing, CancellationToken cancellationToken)
    {
        try
        {
            using var request = makeRequest();
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces))
            {
                _lastNonce = nonces.FirstOrDefault();
            }
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var retryAfter = RetryAfter(response);
            if (response.IsSuccessStatusCode)
            {
                return AcmeResult<AcmeResponse>.Success(new AcmeResponse(response.StatusCode, response.Headers.Location?.ToString(), retryAfter, body));
            }
            var document = AcmeJson.TryParseProblem(body);
            return new AcmeProblem(
                document?.Type ?? "urn:classhub:acme:http" + (int)response.StatusCode,
                AcmeJson.Describe(document) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}",
                doing,
                retryAfter);
        }
        catch (HttpRequestException e)
        {
            return new AcmeProblem(AcmeProblemTypes.Transport, e.Message, doing);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new AcmeProblem(AcmeProblemTypes.Transport, "the ACME server did not answer in time: " + e.Message, doing);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
