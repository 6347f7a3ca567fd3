using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// 200 sign-ins at once with a real (600,000-iteration) password hash: the hub keeps answering while the password
/// checks queue up. Ordering, not timing: /hub/health must come back while most sign-ins are still waiting their
/// turn, and the queue must say so. (How fast it stays is the bench's job: bench/README.md, "sign-in burst".)
/// </summary>
public sealed partial class SignInBurstTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Password = "burst password";
    private const int Burst = 200;

    [Fact]
    public async Task Burst200SignIns_HealthAnswersWhileMostAreStillQueued_ThenAllGetIn()
    {
        var student = await fixture.CreateUserAsync(Password);
        var admin = await fixture.CreateUserAsync(Password, admin: true);
        using var api = fixture.ApiClient(await fixture.TokenAsync(admin));
        using var browser = new Browser(fixture.Hub.Url);
        await browser.GetAsync("/hub/login");
        var csrf = browser.LastCsrf!;
        using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false, UseProxy = false })
        {
            BaseAddress = fixture.Hub.Url,
            Timeout = TimeSpan.FromMinutes(10),
        };

        var completed = 0;
        var statuses = new HttpStatusCode[Burst];
        var signIns = Enumerable.Range(0, Burst).Select(async i =>
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf, ["username"] = student, ["password"] = Password, ["next"] = "/hub/home" });
            using var response = await client.PostAsync("/hub/login", form);
            statuses[i] = response.StatusCode;
            Interlocked.Increment(ref completed);
        }).ToList();

        // Wait until password checks are flowing (so every sign-in has had time to arrive), then ask for health.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Volatile.Read(ref completed) < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        using var health = await new HttpClient { BaseAddress = fixture.Hub.Url, Timeout = TimeSpan.FromSeconds(300) }.GetAsync("/hub/health");
        var doneWhenHealthAnswered = Volatile.Read(ref completed);
        var metrics = await api.GetStringAsync("/hub/metrics");
        var waiting = Waiting().Match(metrics);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(doneWhenHealthAnswered < Burst / 2, $"/hub/health answered only after {doneWhenHealthAnswered} of {Burst} sign-ins were done: it waited behind the password checks");
        Assert.True(waiting.Success, "/hub/metrics has no classhub_sign_in_queue{state=\"waiting\"}");
        Assert.True(double.Parse(waiting.Groups[1].Value, CultureInfo.InvariantCulture) > 0, $"no sign-in was waiting when health answered:\n{metrics}");

        await Task.WhenAll(signIns);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Redirect, s));
    }

    [GeneratedRegex("^classhub_sign_in_queue\\{state=\"waiting\"\\} ([0-9.]+)$", RegexOptions.Multiline)]
    private static partial Regex Waiting();
}
