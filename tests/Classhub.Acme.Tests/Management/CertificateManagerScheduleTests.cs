using System.Net;
using System.Net.Http.Headers;
using Classhub.Acme.Challenges;
using Classhub.Acme.Management;
using Classhub.Acme.Protocol;
using Classhub.Acme.Renewal;
using Classhub.Acme.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Acme.Tests.Management;

/// <summary>The manager's schedule with an injected clock and a scripted CA (end to end is against Pebble).</summary>
public sealed class CertificateManagerScheduleTests
{
    private static readonly string[] Domains = ["hub.classhub.test"];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryCertificateStore _store = new();

    [Fact]
    public async Task RunDueWorkAsync_CaUnreachableRepeatedly_BackoffDoublesThenCapsAtOneDay()
    {
        using var handler = new StubAcmeHandler(_ => throw new HttpRequestException("connection refused"));
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);
        Assert.True(manager.Status.IsTemporary);
        var temporary = manager.Select(null, null);

        var gaps = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 16; attempt++)
        {
            var before = _time.GetUtcNow();
            await manager.RunDueWorkAsync(CancellationToken.None);
            var status = manager.Status;
            Assert.Equal(attempt, status.ConsecutiveFailures);
            Assert.Equal(AcmeProblemTypes.Transport, status.LastError?.Type);
            gaps.Add(status.NextAttempt - before);
            _time.SetUtcNow(status.NextAttempt);
        }

        for (var i = 0; i < gaps.Count; i++)
        {
            var raw = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks << i, TimeSpan.FromDays(1).Ticks));
            Assert.InRange(gaps[i], raw * (1 - RenewalSchedule.BackoffJitter), raw);
        }
        Assert.All(gaps.Skip(11), gap => Assert.InRange(gap, TimeSpan.FromHours(12), TimeSpan.FromDays(1)));
        Assert.True(manager.Status.IsTemporary);
        Assert.True(manager.Current!.NotAfter > _time.GetUtcNow());
        Assert.NotNull(temporary);
    }

    [Fact]
    public async Task RunDueWorkAsync_CaDownUntilStandInNearlyExpired_ServesFreshStandIn()
    {
        using var handler = new StubAcmeHandler(_ => throw new HttpRequestException("connection refused"));
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);
        var first = manager.Current!;

        _time.Advance(TimeSpan.FromDays(6.5));
        await manager.RunDueWorkAsync(CancellationToken.None);

        var second = manager.Current!;
        Assert.True(second.IsTemporary);
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(second.SerialNumber, manager.Status.SerialNumber);
        Assert.True(second.NotAfter > _time.GetUtcNow().AddDays(6));
    }

    [Fact]
    public async Task RunDueWorkAsync_BeforeNextAttempt_DoesNothing()
    {
        using var handler = new StubAcmeHandler(_ => throw new HttpRequestException("connection refused"));
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);
        await manager.RunDueWorkAsync(CancellationToken.None);
        var requests = handler.Requests.Count;

        _time.Advance(TimeSpan.FromSeconds(20));
        await manager.RunDueWorkAsync(CancellationToken.None);

        Assert.Equal(requests, handler.Requests.Count);
        Assert.Equal(1, manager.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task RenewNowAsync_RateLimited_NextAttemptHonoursRetryAfter()
    {
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: false)),
            "/nonce" => Nonce(new HttpResponseMessage(HttpStatusCode.OK)),
            _ => RateLimited(TimeSpan.FromHours(5)),
        });
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);

        var result = await manager.RenewNowAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(AcmeProblemTypes.RateLimited, result.Problem.Type);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(5), manager.Status.NextAttempt);
    }

    [Fact]
    public async Task RunDueWorkAsync_StoredCertificateCaWithoutRenewalInfo_RenewsWhenOneThirdLeft()
    {
        var now = _time.GetUtcNow();
        _store.Certificate = TestIssuer.IssueBundle(Domains, now.AddDays(-1), now.AddDays(5));
        using var handler = new StubAcmeHandler(_ => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: false)));
        using var manager = CreateManager(handler);

        await manager.InitializeAsync(CancellationToken.None);
        Assert.Empty(handler.Requests);
        Assert.Equal(now, manager.Status.NextAttempt);
        await manager.RunDueWorkAsync(CancellationToken.None);

        var status = manager.Status;
        Assert.False(status.IsTemporary);
        Assert.Equal(now.AddDays(3), status.RenewAt);
        Assert.Equal(now.AddDays(3), status.NextAttempt);
        Assert.Equal(["GET " + StubAcmeHandler.DirectoryUrl], handler.Requests);
    }

    [Fact]
    public async Task RunDueWorkAsync_CaOffersRenewalInfo_RenewsAtRandomTimeInsideWindow()
    {
        var now = _time.GetUtcNow();
        _store.Certificate = TestIssuer.IssueBundle(Domains, now.AddDays(-10), now.AddDays(80));
        var certId = CertificateId.For(Classhub.Acme.Certificates.CertificateBundle.Parse(_store.Certificate, false).Certificate)!;
        var windowStart = now.AddDays(2);
        var windowEnd = now.AddDays(2).AddHours(6);
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: true)),
            var path when path == "/ari/" + certId => WithRetryAfter(
                StubAcmeHandler.Json(Window(windowStart.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z"), windowEnd.ToString("yyyy-MM-ddTHH:mm:ssZ"))),
                TimeSpan.FromHours(3)),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        });
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);

        await manager.RunDueWorkAsync(CancellationToken.None);

        var status = manager.Status;
        Assert.NotNull(status.RenewAt);
        Assert.InRange(status.RenewAt.Value, windowStart, windowEnd);
        Assert.Equal(now.AddHours(3), status.NextAttempt);
        Assert.Contains($"GET https://ca.test/ari/{certId}", handler.Requests);
    }

    [Fact]
    public async Task RunDueWorkAsync_RenewalInfoRecheckBeforeWindow_RereadsWindowWithoutRenewing()
    {
        var now = _time.GetUtcNow();
        _store.Certificate = TestIssuer.IssueBundle(Domains, now.AddDays(-10), now.AddDays(80));
        var windowStart = now.AddDays(30);
        using var handler = new StubAcmeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/dir" => StubAcmeHandler.Json(StubAcmeHandler.Directory(withRenewalInfo: true)),
            var path when path.StartsWith("/ari/", StringComparison.Ordinal) =>
                StubAcmeHandler.Json(Window(windowStart.ToString("yyyy-MM-ddTHH:mm:ssZ"), windowStart.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ"))),
            _ => throw new InvalidOperationException("no order expected: " + request.RequestUri),
        });
        using var manager = CreateManager(handler);
        await manager.InitializeAsync(CancellationToken.None);
        await manager.RunDueWorkAsync(CancellationToken.None);
        Assert.Equal(now.AddHours(6), manager.Status.NextAttempt);

        _time.Advance(TimeSpan.FromHours(6));
        await manager.RunDueWorkAsync(CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count(r => r.Contains("/ari/", StringComparison.Ordinal)));
        Assert.Equal(_time.GetUtcNow().AddHours(6), manager.Status.NextAttempt);
        Assert.Equal(0, manager.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task InitializeAsync_ExpiredStoredCertificate_ServesTemporaryAndIsDueNow()
    {
        var now = _time.GetUtcNow();
        _store.Certificate = TestIssuer.IssueBundle(Domains, now.AddDays(-10), now.AddMinutes(-1));
        using var handler = new StubAcmeHandler(_ => throw new HttpRequestException("offline"));
        using var manager = CreateManager(handler);

        await manager.InitializeAsync(CancellationToken.None);

        Assert.True(manager.Status.IsTemporary);
        Assert.Equal(now, manager.Status.NextAttempt);
        Assert.Contains("hub.classhub.test", manager.Select(null, null)!.Subject, StringComparison.Ordinal);
    }

    private CertificateManager CreateManager(StubAcmeHandler handler) => new(
        new AcmeOptions { Domains = Domains, DirectoryUrl = new Uri(StubAcmeHandler.DirectoryUrl), StateDirectory = "/nonexistent" },
        _store,
        new Http01ChallengeStore(),
        new HttpClient(handler, disposeHandler: false),
        _time,
        NullLogger<CertificateManager>.Instance,
        new Random(7));

    private static string Window(string start, string end) =>
        "{\"suggestedWindow\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"}}";

    private static HttpResponseMessage Nonce(HttpResponseMessage response)
    {
        response.Headers.Add("Replay-Nonce", Guid.NewGuid().ToString("N"));
        return response;
    }

    private static HttpResponseMessage RateLimited(TimeSpan retryAfter) => WithRetryAfter(
        Nonce(StubAcmeHandler.Json("""{"type":"urn:ietf:params:acme:error:rateLimited","detail":"slow down"}""", HttpStatusCode.TooManyRequests, "application/problem+json")),
        retryAfter);

    private static HttpResponseMessage WithRetryAfter(HttpResponseMessage response, TimeSpan delay)
    {
        response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
        return response;
    }
}
