using System.Net;
using Classhub.Acme.Protocol;
using Classhub.Acme.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Acme.Tests.Protocol;

/// <summary>Edge cases a real CA will not produce on demand; the happy path is covered against Pebble.</summary>
public sealed class AcmeClientTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task NewAccountAsync_RateLimited_ProblemCarriesRetryAfter()
    {
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: false)),
            "/nonce" => WithNonce(new HttpResponseMessage(HttpStatusCode.OK)),
            _ => WithRetryAfter(WithNonce(Problem(HttpStatusCode.TooManyRequests, "rateLimited", "too many new accounts")), TimeSpan.FromHours(3)),
        });
        var client = CreateClient(handler);

        var result = await client.NewAccountAsync("admin@classhub.test", CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(AcmeProblemTypes.RateLimited, result.Problem.Type);
        Assert.Equal(TimeSpan.FromHours(3), result.Problem.RetryAfter);
        Assert.Equal("registering the ACME account", result.Problem.Doing);
        Assert.Contains("too many new accounts", result.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewAccountAsync_BadNonceEveryTime_GivesUpWithBadNonceProblem()
    {
        var posts = 0;
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: false)),
            "/nonce" => WithNonce(new HttpResponseMessage(HttpStatusCode.OK)),
            _ => WithNonce(Problem(HttpStatusCode.BadRequest, "badNonce", "stale nonce", () => posts++)),
        });
        var client = CreateClient(handler);

        var result = await client.NewAccountAsync(null, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(AcmeProblemTypes.BadNonce, result.Problem.Type);
        Assert.Equal(10, posts);
        Assert.Single(handler.Requests, r => r.StartsWith("HEAD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewAccountAsync_BadNonceOnce_RetriesWithNonceFromErrorAndSucceeds()
    {
        var posts = 0;
        using var handler = new StubAcmeHandler(request =>
        {
            switch (request.RequestUri!.AbsolutePath)
            {
                case "/dir":
                    return StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: false));
                case "/nonce":
                    return WithNonce(new HttpResponseMessage(HttpStatusCode.OK));
                default:
                    if (posts++ == 0)
                    {
                        return WithNonce(Problem(HttpStatusCode.BadRequest, "badNonce", "stale"));
                    }
                    var created = WithNonce(StubAcmeHandler.Json("{\"status\":\"valid\"}", HttpStatusCode.Created));
                    created.Headers.Location = new Uri("https://ca.test/acct/7");
                    return created;
            }
        });
        var client = CreateClient(handler);

        var result = await client.NewAccountAsync(null, CancellationToken.None);

        Assert.True(result.Ok, result.Problem?.Message);
        Assert.Equal(new NewAccountOutcome("https://ca.test/acct/7", Created: true), result.Value);
        Assert.Equal("https://ca.test/acct/7", client.AccountUrl);
        Assert.Equal(2, posts);
    }

    [Fact]
    public async Task NewAccountAsync_CaRequiresExternalAccountBinding_ClearProblemWithoutPosting()
    {
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json("""{"newNonce":"https://ca.test/nonce","newAccount":"https://ca.test/account","newOrder":"https://ca.test/order","meta":{"externalAccountRequired":true}}"""),
            _ => throw new InvalidOperationException("nothing else expected"),
        });
        var client = CreateClient(handler);

        var result = await client.NewAccountAsync(null, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(AcmeProblemTypes.ExternalAccountRequired, result.Problem.Type);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetDirectoryAsync_Unreachable_TransportProblem()
    {
        using var handler = new StubAcmeHandler(_ => throw new HttpRequestException("connection refused"));
        var client = CreateClient(handler);

        var result = await client.GetDirectoryAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(AcmeProblemTypes.Transport, result.Problem.Type);
        Assert.Equal("reading the ACME directory", result.Problem.Doing);
    }

    private AcmeClient CreateClient(StubAcmeHandler handler)
    {
        var key = AccountKey.Create();
        return new AcmeClient(new HttpClient(handler), new Uri(StubAcmeHandler.DirectoryUrl), key, _time, NullLogger.Instance);
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string type, string detail, Action? onSend = null)
    {
        onSend?.Invoke();
        return StubAcmeHandler.Json($$"""{"type":"urn:ietf:params:acme:error:{{type}}","detail":"{{detail}}","status":{{(int)status}}}""", status, "application/problem+json");
    }

    private static HttpResponseMessage WithNonce(HttpResponseMessage response)
    {
        response.Headers.Add("Replay-Nonce", Guid.NewGuid().ToString("N"));
        return response;
    }

    private static HttpResponseMessage WithRetryAfter(HttpResponseMessage response, TimeSpan delay)
    {
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        return response;
    }
}
