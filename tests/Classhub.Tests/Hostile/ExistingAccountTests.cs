using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;
using Classhub.Testing.Hostile;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A TA (or a careless admin) names an account that already exists on the server: an administrator in group sudo
/// with a 0600 secret, or a system account below uid 1000. The hub must never bind a hub user to it: the roster
/// refuses the row and says why, and a server for that name never runs as the account (so the contents API never
/// reads its files). An account an admin linked on purpose works.
/// </summary>
[Collection("hub")]
public sealed class ExistingAccountTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Secret = "the admin's 0600 secret";
    private const string Password = "existing account pw";

    [Fact]
    public async Task TaRosterNamesAnAdminAccount_RefusedOnItsRow_PageAndCli_NothingImported()
    {
        await using var admin = await AdminAccountAsync();
        var course = "ea" + Guid.NewGuid().ToString("N")[..6];
        var ta = await fixture.CreateUserAsync(Password);
        var newcomer = UnixUsers.NewName();
        await CliOkAsync("course", "create", course, "--title", "Existing accounts");
        await CliOkAsync("course", "staff", "add", course, ta, "--role", "ta");
        var csv = $"Username,Name,Email,Section\r\n{newcomer},New Comer,{newcomer}@example.edu,A\r\n{admin.Name},Ad Min,{admin.Name}@example.edu,A\r\n";

        using var staff = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(ta, Password)).StatusCode);
        await staff.GetAsync($"/hub/courses/{course}");
        var (_, plan) = await staff.PostFileAsync($"/hub/courses/{course}/roster/preview", new Dictionary<string, string> { ["format"] = "auto" }, "file", "roster.csv", Encoding.UTF8.GetBytes(csv));
        var file = Path.Combine(fixture.Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(file, csv);
        var dryRun = await fixture.Hub.CliAsync("roster", "import", course, file, "--dry-run");
        var import = await fixture.Hub.CliAsync("roster", "import", course, file);

        var refusal = $"a Unix account {admin.Name} already exists on this server and classhub did not create it";
        Assert.Contains(refusal, plan, StringComparison.Ordinal);
        Assert.Contains($"line 3, Username: {refusal}; classhub never runs servers or writes files as it (it is a member of group sudo, which administers the machine); choose another user name", dryRun.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, import.ExitCode);
        Assert.DoesNotContain(admin.Name, (await CliOkAsync("roster", "list", course)).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Name, (await CliOkAsync("user", "list")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InviteForAnAdminAccountsName_Redeemed_ServerNeverRunsAsIt_SecretStaysUnread()
    {
        await using var admin = await AdminAccountAsync();
        var invite = await CliOkAsync("user", "invite", admin.Name);
        using var attacker = new Browser(fixture.Hub.Url);
        var path = new Uri(invite.LastLine).AbsolutePath;
        await attacker.GetAsync(path);
        var (redeemed, _) = await attacker.PostFormAsync(path, new Dictionary<string, string> { ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, redeemed.StatusCode);

        var (ready, body) = await StartServerAsync(attacker, admin.Name);
        var secret = await ReadThroughServerAsync(admin.Name, "secret.txt");

        Assert.DoesNotContain(Secret, secret, StringComparison.Ordinal);
        Assert.False(ready, $"a server ran for hub user {admin.Name}, a member of sudo:\n{body}");
        Assert.Contains($"a Unix account {admin.Name} already exists on this server and classhub did not create it", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemAccountBelowUid1000_AddedByAnAdmin_ServerNeverRunsAsIt()
    {
        var name = "chsys" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal("", await UnixUsers.RunAsync("useradd", "--system", "--create-home", "--shell", "/bin/bash", name));
        try
        {
            var uid = int.Parse(await UnixUsers.RunAsync("id", "-u", name), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(uid < 1000, $"useradd --system gave uid {uid}");
            Assert.Equal(0, (await fixture.Hub.RunCliAsync(Password, "user", "add", name, "--password-stdin")).ExitCode);
            using var browser = new Browser(fixture.Hub.Url);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(name, Password)).StatusCode);

            var (ready, body) = await StartServerAsync(browser, name);

            Assert.False(ready, $"a server ran as the system account {name} (uid {uid}):\n{body}");
            Assert.Contains($"uid {uid} is outside the range classhub runs servers as", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        }
        finally
        {
            await UnixUsers.RemoveAsync([name]);
        }
    }

    [Fact]
    public async Task AccountLinkedByAnAdmin_ServerRunsAsIt_ButAdminAccountsCannotBeLinked()
    {
        await using var own = await HostileStudent.CreateAsync("own");
        await using var admin = await AdminAccountAsync();
        Assert.Equal(0, (await fixture.Hub.RunCliAsync(Password, "user", "add", own.Name, "--password-stdin")).ExitCode);
        Assert.Equal(0, (await fixture.Hub.RunCliAsync(Password, "user", "add", admin.Name, "--password-stdin")).ExitCode);

        var linked = await fixture.Hub.CliAsync("user", "link", own.Name);
        var refused = await fixture.Hub.CliAsync("user", "link", admin.Name);
        using var browser = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(own.Name, Password)).StatusCode);
        var (ready, body) = await StartServerAsync(browser, own.Name);

        Assert.True(linked.ExitCode == 0, linked.Stderr);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("member of group sudo", refused.Stderr, StringComparison.Ordinal);
        Assert.True(ready, body);
        using var api = fixture.ApiClient(await fixture.TokenAsync(own.Name));
        using var put = await api.PutAsync($"/user/{own.Name}/api/contents/mine.txt", new StringContent("{\"type\": \"file\", \"format\": \"text\", \"content\": \"written by the server\"}", Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(own.Name, await UnixUsers.RunAsync("stat", "-c", "%U", Path.Combine(own.Home, "mine.txt")));
        await fixture.StopServerAsync(api, own.Name);
    }

    /// <summary>An administrator's own account: in group sudo, with a secret only they can read.</summary>
    private static async Task<HostileStudent> AdminAccountAsync()
    {
        var admin = await HostileStudent.CreateAsync("adm");
        Assert.True((await HostileStudent.RunAsRootAsync("/usr/sbin/usermod", "-aG", "sudo", admin.Name)).Succeeded);
        await admin.WriteFileAsync("secret.txt", Secret);
        Assert.True((await admin.RunAsync("/bin/chmod", "600", Path.Combine(admin.Home, "secret.txt"))).Succeeded);
        return admin;
    }

    /// <summary>Asks for the user's server on the spawn page; true when it became ready, false when it failed (with the page).</summary>
    private static async Task<(bool Ready, string Body)> StartServerAsync(Browser browser, string user)
    {
        await browser.GetAsync("/hub/home");
        await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string> { ["next"] = $"/user/{user}/tree" });
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var (_, body, path) = await browser.FollowAsync($"/hub/spawn-pending/{user}?next=/user/{user}/tree");
            if (path == $"/user/{user}/tree")
            {
                return (true, body);
            }

            if (body.Contains("data-failed=\"true\"", StringComparison.Ordinal))
            {
                return (false, body);
            }

            Assert.True(DateTime.UtcNow < deadline, $"the server of {user} neither started nor failed:\n{body}");
            await Task.Delay(300);
        }
    }

    /// <summary>What the user's server answers for a file in the home through the contents API (empty when nothing answers).</summary>
    private async Task<string> ReadThroughServerAsync(string user, string file)
    {
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        using var response = await api.GetAsync($"/user/{user}/api/contents/{file}?type=file&format=text&content=1");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["content"]!.GetValue<string>() : "";
    }

    private async Task<CliResult> CliOkAsync(params string[] args)
    {
        var result = await fixture.Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed: {result.Stderr}");
        return result;
    }
}
