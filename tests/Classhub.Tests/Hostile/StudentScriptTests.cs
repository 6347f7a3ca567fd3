using Classhub.EndToEnd.Tests;
using Classhub.InBrowser.Tests;
using Classhub.Storage.Database;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Classhub.Testing.Hostile;
using Microsoft.Playwright;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A student's JavaScript against a staff member's browser, end to end (AOT binary, real jupyterhub-singleuser, Debian's
/// chromium): the student plants <c>~/.jupyter/custom/custom.js</c>, which Notebook 6 runs on every page of their server,
/// and an admin opens that server. Served from the hub's origin, the script could read the admin's CSRF token from
/// <c>/hub/home</c> and create an admin API token. The hub must not show staff a student's live server with their hub
/// session; it sends them to the safe viewer instead.
/// </summary>
[Collection("hub")]
public sealed class StudentScriptTests(HubFixture hub, Chromium chromium) : IClassFixture<HubFixture>, IClassFixture<Chromium>
{
    private const string AdminPassword = "admin password";

    /// <summary>What the student plants: it reports what it managed on the console, where the test reads it.</summary>
    private const string CustomJs = """
        (async () => {
          const report = (m) => console.log('classhub-attack: ' + m);
          try {
            const home = await (await fetch('/hub/home', { credentials: 'same-origin' })).text();
            const csrf = /name="csrf-token" content="([^"]+)"/.exec(home)[1];
            const name = /Sign out ([^<]+)<\/button>/.exec(home)[1].trim();
            const r = await fetch(`/hub/api/users/${name}/tokens`, {
              method: 'POST', credentials: 'same-origin',
              headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
              body: JSON.stringify({ note: 'planted by the student' }),
            });
            report('token request answered ' + r.status);
          } catch (e) {
            report('failed: ' + e);
          }
        })();
        """;

    [Fact]
    public async Task AdminOpensStudentServer_PlantedCustomJs_CreatesNoToken_AdminSeesTheWayToTheSafeViewer()
    {
        var admin = await hub.CreateUserAsync(AdminPassword, admin: true);
        var student = await hub.CreateUserAsync("student password");
        using var api = hub.ApiClient(await hub.TokenAsync(student));
        using (await api.PostAsync($"/hub/api/users/{student}/server", null))
        {
        }

        await hub.WaitReadyAsync(api, student);
        // The account exists now (the hub made it to start the server); the student plants the script before any page
        // of the server was rendered (Notebook 6 looks custom.js up, and remembers where it found it, on the first page).
        var attacker = await HostileStudent.AdoptAsync(student);
        await attacker.WriteFileAsync(".jupyter/custom/custom.js", CustomJs);
        var tokensBefore = TokenNotesOf(admin);

        await using var context = await chromium.Browser.NewContextAsync(Screen.Desktop.Options(hub.Hub.Url));
        var page = await context.NewPageAsync();
        var attack = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("classhub-attack: ", StringComparison.Ordinal))
            {
                attack.TrySetResult(message.Text);
            }
        };
        await SignInAsync(page, admin);

        await page.GotoAsync($"/user/{student}/tree");
        var refusal = page.GetByRole(AriaRole.Heading, new() { Name = "Open the student's files instead" });
        var shown = refusal.WaitForAsync(new() { Timeout = 60_000 });
        var first = await Task.WhenAny(shown, attack.Task);
        var attackReport = attack.Task.IsCompleted ? await attack.Task : "(the script never ran)";

        Assert.True(first == shown && !attack.Task.IsCompleted, $"the student's script ran in the admin's browser: {attackReport}; page {page.Url}");
        Assert.Equal(tokensBefore, TokenNotesOf(admin));
        Assert.DoesNotContain("planted by the student", TokenNotesOf(admin));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Look at the files of {student}" }))
            .ToHaveAttributeAsync("href", $"/hub/users/{student}/files/");
        Assert.Equal(403, (await page.GotoAsync($"/user/{student}/api/contents"))!.Status);
        Assert.Equal(403, (await page.GotoAsync($"/hub/api/oauth2/authorize?client_id=jupyterhub-user-{student}&redirect_uri=/user/{student}/oauth_callback&response_type=code"))!.Status);
    }

    /// <summary>The notes of the admin's tokens, read from the hub's database (the CLI has no token listing).</summary>
    private List<string> TokenNotesOf(string user)
    {
        var database = new HubDatabase(Path.Combine(hub.Hub.DataDir, "classhub.db"));
        var id = new UserStore(database, TimeProvider.System).Find(user)!.Id;
        return [.. new TokenStore(database, TimeProvider.System).ListForUser(id).Select(t => t.Note ?? "")];
    }

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/hub/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/hub/home");
    }
}
