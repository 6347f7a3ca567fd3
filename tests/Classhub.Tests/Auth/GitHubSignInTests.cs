using System.Net;
using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>
/// The GitHub preset end to end: the AOT hub against <see cref="GitHubOAuthStandIn"/> (a local stand-in for GitHub's
/// OAuth endpoints, not GitHub), with auth.github.org set. A member of the organisation whose login matches a roster's
/// GitHub username (a real GitHub Classroom export, imported with the CLI) signs in as that hub user; a non-member
/// gets a refusal page and no session.
/// </summary>
[Collection("hub")]
public sealed class GitHubSignInTests : IAsyncLifetime
{
    private HubProcess _hub = null!;
    private GitHubOAuthStandIn _github = null!;

    public async Task InitializeAsync()
    {
        _github = await GitHubOAuthStandIn.StartAsync("Iv1.classhubtest", "gh-e2e-secret");
        _github.Organizations["cs101-classroom"] = ["Octo-Cat"];
        _hub = HubProcess.Create();
        var config = Path.Combine(_hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "urls": "{{_hub.Url.ToString().TrimEnd('/')}}",
              "tls": { "mode": "off" },
              "auth": {
                "methods": ["github"],
                "github": { "client_id": "Iv1.classhubtest", "client_secret": "gh-e2e-secret", "org": "cs101-classroom", "url": "{{_github.Url}}", "api_url": "{{_github.ApiUrl}}" }
              }
            }
            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await _hub.StartConfiguredAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _github.DisposeAsync();
        Directory.Delete(_hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task SignIn_OrganisationMemberFromGitHubClassroomRoster_SessionAsGitHubLogin()
    {
        // A real GitHub Classroom roster export: its github_username "Octo-Cat" becomes the hub user octo-cat.
        Assert.Equal(0, (await _hub.CliAsync("course", "create", "cs101", "--title", "Intro")).ExitCode);
        var import = await _hub.CliAsync("roster", "import", "cs101", Classhub.Tests.Cli.CliRunner.Sample("github-classroom-roster.csv"));
        Assert.True(import.ExitCode == 0, import.Stderr);
        _github.NextLogin = "Octo-Cat";
        using var browser = new Browser(_hub.Url);

        var (_, loginPage) = await browser.GetAsync("/hub/login");
        var (last, body, hops) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/github/start?next=/hub/home"));

        Assert.Contains("href=\"/hub/oauth/github/start?next=%2Fhub%2Fhome\">Sign in with GitHub</a>", loginPage, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"password\"", loginPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("/hub/home", hops[^1].AbsolutePath);
        Assert.Contains("octo-cat", body, StringComparison.Ordinal);
        Assert.NotNull(browser.Cookie("classhub-session"));
        Assert.Contains(_github.AuthorizeQueries, q => q.Contains("scope=read%3Aorg", StringComparison.Ordinal) && q.Contains("code_challenge_method=S256", StringComparison.Ordinal));
        Assert.DoesNotContain("gh-e2e-secret", _hub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_NotInOrganisation_RefusalPageNoSession()
    {
        Assert.Equal(0, (await _hub.CliAsync("user", "add", "outsider")).ExitCode);
        _github.NextLogin = "outsider";
        using var browser = new Browser(_hub.Url);

        var (last, body, _) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/github/start"));

        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
        Assert.Contains("is not a member of the organisation &#x27;cs101-classroom&#x27;", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));
    }

    [Fact]
    public async Task SignIn_MemberUnknownToHubWithNewUsersRefused_RefusalPageNoSession()
    {
        _github.Organizations["cs101-classroom"].Add("newcomer");
        _github.NextLogin = "newcomer";
        using var browser = new Browser(_hub.Url);

        var (last, body, _) = await Redirects.FollowAsync(browser.Client, new Uri(_hub.Url, "/hub/oauth/github/start"));

        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
        Assert.Contains("this hub has no user &#x27;newcomer&#x27;", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("classhub-session"));
    }
}
