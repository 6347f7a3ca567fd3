using System.Collections.Concurrent;
using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// The sign-in limits against the AOT binary, played from several real client addresses (127.0.0.0/8 all reach
/// lo): a stranger guessing a named user's password locks out only their own address for that name, a class behind
/// one address where some mistype all get in, and guessing is still refused.
/// </summary>
public sealed class SignInLimitsHostileTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Password = "the right one";
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress AdminsDesk = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress SchoolNat = IPAddress.Parse("127.0.0.4");
    private static readonly IPAddress Classroom = IPAddress.Parse("127.0.0.5");

    [Fact]
    public async Task StrangerGuessesTheAdminsName50Times_FromOneAddress_AdminStillSignsInFromAnother()
    {
        var admin = await fixture.CreateUserAsync(Password, admin: true);
        using var stranger = new Browser(fixture.Hub.Url, from: Stranger);
        await stranger.GetAsync("/hub/login");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            var (response, _) = await stranger.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = admin, ["password"] = $"guess {i}", ["next"] = "/hub/home" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 without a Retry-After");
            }
        }

        // Guessing is still stopped: most of the 50 were refused before any password check.
        Assert.DoesNotContain(HttpStatusCode.Redirect, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 40, $"only {statuses.Count(s => s == HttpStatusCode.TooManyRequests)} of 50 guesses were refused: {string.Join(',', statuses.Select(s => (int)s))}");

        using var adminBrowser = new Browser(fixture.Hub.Url, from: AdminsDesk);
        var signIn = await adminBrowser.SignInAsync(admin, Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/hub/home", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task StudentInTheTeachersClassroomGuessesTheirName_SameAddress_TeachersOwnBrowserStillSignsIn()
    {
        var teacher = await fixture.CreateUserAsync(Password, admin: true);
        using var teachersBrowser = new Browser(fixture.Hub.Url, from: Classroom);
        Assert.Equal(HttpStatusCode.Redirect, (await teachersBrowser.SignInAsync(teacher, Password)).StatusCode);
        await teachersBrowser.PostFormAsync("/hub/logout", new Dictionary<string, string>());

        using var student = new Browser(fixture.Hub.Url, from: Classroom);
        await student.GetAsync("/hub/login");
        var refused = 0;
        for (var i = 0; i < 30; i++)
        {
            var (response, _) = await student.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = teacher, ["password"] = $"guess {i}", ["next"] = "/hub/home" });
            Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(refused >= 20, $"only {refused} of 30 guesses were refused");
        Assert.Equal(HttpStatusCode.Redirect, (await teachersBrowser.SignInAsync(teacher, Password)).StatusCode);
    }

    [Fact]
    public async Task ClassOf60BehindOneAddress_SomeMistypeOnceOrTwice_AllSignInAndNoRightPasswordIsRefused()
    {
        // 12 mistype twice and 6 once: 30 failures from one address within a minute, all of them honest.
        var students = await CreateStudentsAsync(60);
        var mistakes = students.Select((name, i) => (name, wrong: i < 12 ? 2 : i < 18 ? 1 : 0)).ToList();
        var outcomes = new ConcurrentBag<(string Student, string Attempt, HttpStatusCode Status)>();

        await Task.WhenAll(mistakes.Select(async s =>
        {
            using var browser = new Browser(fixture.Hub.Url, from: SchoolNat);
            await browser.GetAsync("/hub/login");
            for (var i = 0; i < s.wrong; i++)
            {
                var (wrong, _) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = s.name, ["password"] = Password + " typo", ["next"] = "/hub/home" });
                outcomes.Add((s.name, "wrong", wrong.StatusCode));
            }

            var (right, _) = await browser.PostFormAsync("/hub/login", new Dictionary<string, string> { ["username"] = s.name, ["password"] = Password, ["next"] = "/hub/home" });
            outcomes.Add((s.name, "right", right.StatusCode));
        }));

        var refused = outcomes.Where(o => o.Attempt == "right" && o.Status != HttpStatusCode.Redirect).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of 60 right passwords were refused: {string.Join(", ", refused.Select(r => $"{r.Student} {(int)r.Status}"))}");
        Assert.All(outcomes.Where(o => o.Attempt == "wrong"), o => Assert.Equal(HttpStatusCode.Unauthorized, o.Status));
        Assert.Equal(60, outcomes.Count(o => o.Attempt == "right"));
    }

    private async Task<List<string>> CreateStudentsAsync(int count)
    {
        var names = new List<string>();
        foreach (var batch in Enumerable.Range(0, count).Chunk(4))
        {
            names.AddRange(await Task.WhenAll(batch.Select(_ => fixture.CreateUserAsync(Password))));
        }

        return names;
    }
}
