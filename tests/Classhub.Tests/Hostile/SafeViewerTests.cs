using System.Net;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;
using Classhub.InBrowser.Tests;
using Classhub.Testing.Hostile;
using Microsoft.Playwright;

namespace Classhub.Tests.Hostile;

/// <summary>
/// The safe viewer, where staff look at a student's work instead of opening their live server, against a hostile
/// student end to end (AOT binary, a real Unix account, Debian's chromium): a notebook whose outputs and Markdown carry
/// scripts is shown without running any of them, links out of the home are not followed, special files are not opened,
/// and each role sees only what it may.
/// </summary>
[Collection("hub")]
public sealed class SafeViewerTests(HubFixture hub, Chromium chromium) : IClassFixture<HubFixture>, IClassFixture<Chromium>
{
    private const string Password = "viewer password";

    /// <summary>A 1x1 PNG, as Jupyter stores an image output (base64).</summary>
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    [Fact]
    public async Task AdminViewsNotebook_ScriptsInOutputsAndMarkdown_NeverRun_ImagesShow()
    {
        var (student, course) = await StudentInCourseAsync();
        await using var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync($"{course}/hw1/evil.ipynb", EvilNotebook().ToJsonString());
        var admin = await hub.CreateUserAsync(Password, admin: true);

        foreach (var bypassCsp in new[] { true, false })
        {
            // With the CSP bypassed, only the escaping stands between the student's markup and the admin's session.
            var options = Screen.Desktop.Options(hub.Hub.Url);
            options.BypassCSP = bypassCsp;
            await using var context = await chromium.Browser.NewContextAsync(options);
            var page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, m) => console.Add(m.Text);
            await SignInAsync(page, admin);

            var response = await page.GotoAsync($"/hub/users/{student}/files/{course}/hw1/evil.ipynb");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "evil.ipynb" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("img[alt='Output image']").First).ToBeVisibleAsync();
            var imageWidth = await page.Locator("img[alt='Output image']").First.EvaluateAsync<int>("i => i.naturalWidth");

            Assert.Equal(200, response!.Status);
            Assert.Equal(1, imageWidth);
            Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned === undefined ? null : String(window.__pwned)"));
            Assert.DoesNotContain(console, m => m.Contains("pwned", StringComparison.Ordinal));
            Assert.Equal(0, await page.Locator("script").CountAsync());
            Assert.Equal(0, await page.Locator("[onerror], [onclick], iframe, object, embed").CountAsync());
            Assert.Equal(0, await page.Locator("a[href^='javascript:' i]").CountAsync());
            await Assertions.Expect(page.GetByText("<script>window.__pwned = 'html output'", new() { Exact = false }).First).ToBeVisibleAsync();
            var csp = (await response.AllHeadersAsync())["content-security-policy"];
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
            if (bypassCsp)
            {
                // axe-core is injected by the test, which the viewer's policy would refuse (as it refuses every script).
                await Chromium.CheckPageAsync(page, Screen.Desktop, "safe-viewer-notebook");
            }
        }
    }

    [Fact]
    public async Task LinksFifosAndOthersFiles_AreListedButNeverOpened()
    {
        var (student, course) = await StudentInCourseAsync();
        await using var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync($"{course}/notes.txt", "my <b>notes</b>");
        var planted = await attacker.ShAsync($"cd ~/{course} && ln -s /etc/shadow x.ipynb && ln -s / root-link && mkfifo pipe.txt");
        Assert.True(planted.Succeeded, planted.ToString());
        // A file in the student's folder that is not theirs (as a hard link to someone else's file would be).
        var foreign = Path.Combine(attacker.Home, course, "foreign.txt");
        await File.WriteAllTextAsync(foreign, "root's words");
        var admin = await hub.CreateUserAsync(Password, admin: true);
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(admin, Password);

        var (listing, listingBody) = await browser.GetAsync($"/hub/users/{student}/files/{course}/");
        var (shadow, shadowBody) = await browser.GetAsync($"/hub/users/{student}/files/{course}/x.ipynb");
        var (throughLink, throughLinkBody) = await browser.GetAsync($"/hub/users/{student}/files/{course}/root-link/etc/shadow");
        var (pipe, _) = await browser.GetAsync($"/hub/users/{student}/files/{course}/pipe.txt");
        var (notTheirs, notTheirsBody) = await browser.GetAsync($"/hub/users/{student}/files/{course}/foreign.txt");
        var (text, textBody) = await browser.GetAsync($"/hub/users/{student}/files/{course}/notes.txt");
        var (dotDot, _) = await browser.GetAsync($"/hub/users/{student}/files/{course}/..%2F..%2Fetc%2Fshadow");

        Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
        Assert.Contains("x.ipynb", listingBody, StringComparison.Ordinal);
        Assert.Contains("symbolic link, not followed", listingBody, StringComparison.Ordinal);
        Assert.Contains("special file, not opened", listingBody, StringComparison.Ordinal);
        Assert.Contains("not the student's, not opened", listingBody, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/hub/users/{student}/files/{course}/x.ipynb\"", listingBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, shadow.StatusCode);
        Assert.DoesNotContain("root:", shadowBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, throughLink.StatusCode);
        Assert.DoesNotContain("root:", throughLinkBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, pipe.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        Assert.DoesNotContain("root's words", notTheirsBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Contains("my &lt;b&gt;notes&lt;/b&gt;", textBody, StringComparison.Ordinal);
        Assert.True(dotDot.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{dotDot.StatusCode}");
    }

    [Fact]
    public async Task Download_IsAnAttachmentThatBrowsersDoNotSniff()
    {
        var (student, course) = await StudentInCourseAsync();
        await using var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync($"{course}/page.html", "<script>alert(1)</script>");
        var admin = await hub.CreateUserAsync(Password, admin: true);
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(admin, Password);

        var (response, body) = await browser.GetAsync($"/hub/users/{student}/files/{course}/page.html?download=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("default-src 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("<script>alert(1)</script>", body);
    }

    [Fact]
    public async Task CourseStaff_SeeOnlyTheirCoursesFolder_OtherStudentsSeeNothing()
    {
        var (student, course) = await StudentInCourseAsync();
        await using var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync($"{course}/hw1/answer.txt", "forty-two");
        await attacker.WriteFileAsync("private/diary.txt", "not for staff");
        var ta = await hub.CreateUserAsync(Password);
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "staff", "add", course, ta, "--role", "ta")).ExitCode);
        var otherStudent = await hub.CreateUserAsync(Password);
        using var taBrowser = new Browser(hub.Hub.Url);
        await taBrowser.SignInAsync(ta, Password);
        using var studentBrowser = new Browser(hub.Hub.Url);
        await studentBrowser.SignInAsync(otherStudent, Password);

        var (answer, answerBody) = await taBrowser.GetAsync($"/hub/users/{student}/files/{course}/hw1/answer.txt");
        var (root, rootBody, _) = await taBrowser.FollowAsync($"/hub/users/{student}/files/");
        var (diary, diaryBody) = await taBrowser.GetAsync($"/hub/users/{student}/files/private/diary.txt");
        var (byStudent, byStudentBody) = await studentBrowser.GetAsync($"/hub/users/{student}/files/{course}/hw1/answer.txt");
        using var stranger = new Browser(hub.Hub.Url);
        var (anonymous, _) = await stranger.GetAsync($"/hub/users/{student}/files/{course}/");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("forty-two", answerBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.DoesNotContain("private", rootBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, diary.StatusCode);
        Assert.DoesNotContain("not for staff", diaryBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byStudent.StatusCode);
        Assert.DoesNotContain("forty-two", byStudentBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    /// <summary>A student with a real Unix account, linked to their hub user by an admin, in a new course.</summary>
    private async Task<(string Student, string Course)> StudentInCourseAsync()
    {
        var student = await hub.CreateUserAsync(Password);
        var course = "v" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "create", course, "--title", "Viewing")).ExitCode);
        var csv = Path.Combine(hub.Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"username,name,email\n{student},Sam Student,{student}@example.edu\n");
        Assert.Equal(0, (await hub.Hub.CliAsync("roster", "import", course, csv)).ExitCode);
        var made = await HostileStudent.RunAsRootAsync("/usr/sbin/useradd", "-m", "-s", "/bin/bash", "-K", "HOME_MODE=0700", student);
        Assert.True(made.Succeeded, made.ToString());
        // The viewer reads only the account the hub bound the user to (made by the hub, or linked by an admin).
        var linked = await hub.Hub.CliAsync("user", "link", student);
        Assert.True(linked.ExitCode == 0, linked.Stderr);
        return (student, course);
    }

    private static JsonObject EvilNotebook()
    {
        static JsonObject Output(string mime, string data) => new()
        {
            ["output_type"] = "display_data",
            ["metadata"] = new JsonObject(),
            ["data"] = new JsonObject { [mime] = data },
        };

        return new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                new JsonObject
                {
                    ["cell_type"] = "markdown",
                    ["metadata"] = new JsonObject(),
                    ["source"] = new JsonArray("# Analysis\n", "<img src=x onerror=\"window.__pwned='markdown html'\">\n", "[click](javascript:window.__pwned='markdown link')\n"),
                },
                new JsonObject
                {
                    ["cell_type"] = "code",
                    ["metadata"] = new JsonObject(),
                    ["execution_count"] = 1,
                    ["source"] = "print('<script>window.__pwned=1</script>')",
                    ["outputs"] = new JsonArray(
                        new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "<script>window.__pwned='stream'</script>\n" },
                        Output("text/html", "<script>window.__pwned = 'html output'; console.log('pwned')</script><img src=x onerror=\"window.__pwned='onerror'\">"),
                        Output("application/javascript", "window.__pwned = 'javascript output'"),
                        Output("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned='svg'\"></svg>"),
                        Output("image/png", Png),
                        new JsonObject
                        {
                            ["output_type"] = "execute_result",
                            ["execution_count"] = 1,
                            ["metadata"] = new JsonObject(),
                            ["data"] = new JsonObject { ["text/plain"] = "'<img src=x onerror=alert(1)>'", ["image/png"] = "not base64 \" onerror=\"window.__pwned='attr'" },
                        },
                        new JsonObject { ["output_type"] = "error", ["ename"] = "ValueError", ["evalue"] = "<b>bad</b>", ["traceback"] = new JsonArray("\u001b[0;31mValueError\u001b[0m: <b>bad</b>") }),
                }),
        };
    }

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/hub/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/hub/home");
    }
}
