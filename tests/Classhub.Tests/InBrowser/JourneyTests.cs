using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;
using Microsoft.Playwright;

namespace Classhub.InBrowser.Tests;

/// <summary>
/// What students, TAs and admins do, in a real browser at laptop and iPad sizes, against the AOT binary with real
/// Jupyter servers: sign in with an invite link, open the server, run a cell; import a roster; stop a server.
/// </summary>
[Collection("hub")]
public sealed class JourneyTests(HubFixture hub, Chromium chromium) : IClassFixture<HubFixture>, IClassFixture<Chromium>
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("ipad")]
    public async Task Student_InviteLink_OpensServer_RunsCell(string screenName)
    {
        var screen = Screen.ByName(screenName);
        var name = UnixUsers.NewName();
        var link = (await hub.Hub.CliAsync("user", "invite", name)).LastLine;
        try
        {
            await InviteLinkToRunCell(screen, name, link);
        }
        finally
        {
            // Even when a step above failed: a server left running would be counted by the admin page test.
            using var api = hub.ApiClient(await hub.TokenAsync(name));
            await hub.StopServerAsync(api, name);
            await UnixUsers.RemoveAsync([name]);
        }
    }

    private async Task InviteLinkToRunCell(Screen screen, string name, string link)
    {
        await using var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(link).AbsolutePath);
        await Chromium.CheckPageAsync(page, screen, "invite");
        await page.GetByLabel("New password").FillAsync("my secret words");
        await page.GetByLabel("Repeat the password").FillAsync("my secret words");
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Set password and sign in" }));

        await page.WaitForURLAsync("**/hub/home");
        await Chromium.CheckPageAsync(page, screen, "home");
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Start my server" }));
        await page.WaitForURLAsync(new Regex($"/user/{name}/tree"), new() { Timeout = 60_000 });

        await page.GotoAsync($"/hub/home");
        await Chromium.CheckPageAsync(page, screen, "home-running");

        // A notebook, opened the way a student would from the tree, and one cell run with Shift+Enter.
        await page.GotoAsync($"/user/{name}/tree");
        var notebook = await page.EvaluateAsync<string>("""
            async (user) => {
              const xsrf = document.cookie.split('; ').find(c => c.startsWith('_xsrf=')).substring(6);
              const r = await fetch(`/user/${user}/api/contents`, { method: 'POST', headers: { 'X-XSRFToken': xsrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'notebook' }) });
              return (await r.json()).path;
            }
            """, name);
        await page.GotoAsync($"/user/{name}/notebooks/{notebook}");
        await page.Locator("#notebook-container .cell .CodeMirror").First.ClickAsync(new() { Timeout = 60_000 });
        await page.Keyboard.TypeAsync("print(6*7)");
        await page.Keyboard.PressAsync("Shift+Enter");
        await Assertions.Expect(page.Locator(".output_area pre").First).ToHaveTextAsync("42", new() { Timeout = 60_000 });
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("ipad")]
    public async Task Ta_ImportsRosterOnCoursePage(string screenName)
    {
        var screen = Screen.ByName(screenName);
        var course = "c" + Guid.NewGuid().ToString("N")[..6];
        var ta = await hub.CreateUserAsync("ta password");
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "create", course, "--title", "Statistics")).ExitCode);
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "staff", "add", course, ta, "--role", "ta")).ExitCode);
        var student = UnixUsers.NewName();
        var csv = Path.Combine(hub.Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"username,name,email\n{student},Sam Student,{student}@example.edu\n");

        await using var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        await SignIn(page, screen, ta, "ta password");
        await page.GotoAsync($"/hub/courses/{course}");
        await Chromium.CheckPageAsync(page, screen, "course-staff");
        await page.GetByLabel("Roster file").SetInputFilesAsync(csv);
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Preview the import" }));
        await Assertions.Expect(page.GetByText(student).First).ToBeVisibleAsync();
        await Chromium.CheckPageAsync(page, screen, "roster-preview");
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Confirm the import" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Roster import: Statistics" })).ToBeVisibleAsync();
        await Chromium.CheckPageAsync(page, screen, "roster-imported");

        var roster = await hub.Hub.CliAsync("roster", "list", course, "--json");
        Assert.Contains($"\"{student}\"", roster.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("ipad")]
    public async Task Ta_PushesAssignmentZip_StudentSubmitsIt(string screenName)
    {
        var screen = Screen.ByName(screenName);
        var course = "a" + Guid.NewGuid().ToString("N")[..6];
        var ta = await hub.CreateUserAsync("ta password");
        var student = await hub.CreateUserAsync("student password");
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "create", course, "--title", "Data Science")).ExitCode);
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "staff", "add", course, ta, "--role", "ta")).ExitCode);
        var csv = Path.Combine(hub.Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"username,name,email\n{student},Sam Student,{student}@example.edu\n");
        Assert.Equal(0, (await hub.Hub.CliAsync("roster", "import", course, csv)).ExitCode);
        var folder = Directory.CreateTempSubdirectory("classhub-hw-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "README.md"), "# Homework 1\n\nAnswer in `analysis.py`.\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "analysis.py"), "print('todo')\n");
        var zip = folder + ".zip";
        System.IO.Compression.ZipFile.CreateFromDirectory(folder, zip);

        await using (var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url)))
        {
            var page = await context.NewPageAsync();
            await SignIn(page, screen, ta, "ta password");
            await page.GotoAsync($"/hub/courses/{course}");
            await page.GetByLabel("Assignment name").FillAsync("hw1");
            await page.GetByLabel("A .zip of the folder").SetInputFilesAsync(zip);
            await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Push" }));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await page.GetByText("delivered to 1 of 1 students").IsVisibleAsync() && DateTime.UtcNow < deadline)
            {
                await page.WaitForTimeoutAsync(500);
                await page.GotoAsync($"/hub/courses/{course}");
            }

            await Assertions.Expect(page.GetByText("delivered to 1 of 1 students").First).ToBeVisibleAsync();
            await Chromium.CheckPageAsync(page, screen, "course-pushed");
        }

        Assert.Equal(student, await UnixUsers.RunAsync("stat", "-c", "%U", $"/home/{student}/{course}/hw1/analysis.py"));
        await using (var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url)))
        {
            var page = await context.NewPageAsync();
            await SignIn(page, screen, student, "student password");
            await page.GotoAsync($"/hub/courses/{course}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Homework 1" })).ToBeVisibleAsync();
            await Chromium.CheckPageAsync(page, screen, "course-student");
            await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Submit" }));
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("hw1");
            await Chromium.CheckPageAsync(page, screen, "submitted");
        }

        var status = await hub.Hub.CliAsync("assignment", "status", course, "hw1", "--json");
        Assert.Contains("submitted_at", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"submitted_at\": null", status.Stdout, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
        File.Delete(zip);
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("ipad")]
    public async Task Admin_StopsAServer(string screenName)
    {
        var screen = Screen.ByName(screenName);
        var admin = await hub.CreateUserAsync("admin password", admin: true);
        var student = await hub.CreateUserAsync();
        using var api = hub.ApiClient(await hub.TokenAsync(student));
        using var start = await api.PostAsync($"/hub/api/users/{student}/server", null);
        await hub.WaitReadyAsync(api, student);

        await using var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        await SignIn(page, screen, admin, "admin password");
        await page.GotoAsync("/hub/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Usage over the last day" })).ToBeVisibleAsync();
        var running = await RunningServersAsync(admin);
        Assert.Contains(student, running);
        await Assertions.Expect(page.Locator("figure.usage figcaption")).ToContainTextAsync($"Now: {running.Count} servers running");
        await Chromium.CheckPageAsync(page, screen, "admin");
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = $"Stop the server of {student}" }));
        await page.WaitForURLAsync("**/hub/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Start the server of {student}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("figure.usage figcaption")).ToContainTextAsync($"Now: {running.Count - 1} servers running");
        Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", student, "-f", "jupyterhub-singleuser"));
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("ipad")]
    public async Task SignInPage_WrongPassword_ShowsErrorAccessibly(string screenName)
    {
        var screen = Screen.ByName(screenName);
        await using var context = await chromium.Browser.NewContextAsync(screen.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/hub/login");
        await Chromium.CheckPageAsync(page, screen, "login");
        await page.GetByLabel("User name").FillAsync("nobody-here");
        await page.GetByLabel("Password").FillAsync("wrong");
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid user name or password");
        await Chromium.CheckPageAsync(page, screen, "login-error");
    }

    /// <summary>Whose servers run now, as the REST API says (other tests of this class may have left some running).</summary>
    private async Task<List<string>> RunningServersAsync(string admin)
    {
        using var api = hub.ApiClient(await hub.TokenAsync(admin));
        var users = JsonNode.Parse(await api.GetStringAsync("/hub/api/users"))!.AsArray();
        return [.. users.Where(u => u!["servers"]?[""]?["ready"]?.GetValue<bool>() == true).Select(u => u!["name"]!.GetValue<string>())];
    }

    private static async Task SignIn(IPage page, Screen screen, string user, string password)
    {
        await page.GotoAsync("/hub/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await Tap(page, screen, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        await page.WaitForURLAsync("**/hub/home");
    }

    /// <summary>A tap on touch screens, a click elsewhere; both must hit a target of at least 44×44 px.</summary>
    private static async Task Tap(IPage page, Screen screen, ILocator target)
    {
        var box = await target.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width >= 44 && box.Height >= 44, $"touch target {box.Width}x{box.Height}px is smaller than 44px");
        if (screen.Touch)
        {
            await target.TapAsync();
        }
        else
        {
            await target.ClickAsync();
        }
    }
}
