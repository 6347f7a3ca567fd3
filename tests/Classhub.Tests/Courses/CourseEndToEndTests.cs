using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;

namespace Classhub.Courses.Tests;

/// <summary>
/// A term as an instructor runs it, against the AOT binary: create a course, import a roster on the course page
/// (upload → plan → confirm), hand out invite links, then drop a student whose server is running.
/// </summary>
[Collection("hub")]
public sealed partial class CourseEndToEndTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task Instructor_ImportsOnCoursePage_StudentsSignInWithInvites_DroppedStudentIsStoppedAndLockedOut()
    {
        var course = "cs" + Guid.NewGuid().ToString("N")[..6];
        var instructor = await fixture.CreateUserAsync("instructor pw");
        var alice = UnixUsers.NewName();
        var bob = UnixUsers.NewName();
        Assert.Equal(0, (await fixture.Hub.CliAsync("course", "create", course, "--title", "Intro to Data")).ExitCode);
        Assert.Equal(0, (await fixture.Hub.CliAsync("course", "staff", "add", course, instructor, "--role", "instructor")).ExitCode);

        using var staff = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(instructor, "instructor pw")).StatusCode);
        var (page, pageBody) = await staff.GetAsync($"/hub/courses/{course}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Preview the import", pageBody, StringComparison.Ordinal);

        var csv = Encoding.UTF8.GetBytes($"Username,Name,Email,Section\r\n{alice},Alice Ng,{alice}@example.edu,A\r\n{bob},Bob Li,{bob}@example.edu,B\r\n");
        var (preview, plan) = await staff.PostFileAsync($"/hub/courses/{course}/roster/preview", new Dictionary<string, string> { ["format"] = "auto" }, "file", "roster.csv", csv);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains(alice, plan, StringComparison.Ordinal);
        Assert.Empty(await StudentsAsync(course));

        var upload = UploadField().Match(plan).Groups[1].Value;
        var (apply, _) = await staff.PostFormAsync($"/hub/courses/{course}/roster/apply", new Dictionary<string, string> { ["upload"] = upload, ["format"] = "auto", ["drop_missing"] = "false", ["skip_invalid"] = "false" });
        Assert.True(apply.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"apply answered {(int)apply.StatusCode}");
        Assert.Equal(new[] { alice, bob }.Order(), await StudentsAsync(course));

        var invites = await fixture.Hub.CliAsync("roster", "invites", course, "--csv");
        var aliceLink = invites.Stdout.Split('\n').First(l => l.StartsWith(alice, StringComparison.Ordinal)).Split(',')[^1].Trim();
        using var student = new Browser(fixture.Hub.Url);
        var invitePath = new Uri(aliceLink).AbsolutePath;
        await student.GetAsync(invitePath);
        var (set, _) = await student.PostFormAsync(invitePath, new Dictionary<string, string> { ["password"] = "alice password", ["confirm"] = "alice password" });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var (_, home) = await student.GetAsync("/hub/home");
        Assert.Contains($"/hub/courses/{course}", home, StringComparison.Ordinal);

        using var staffApi = fixture.ApiClient(await fixture.TokenAsync(instructor));
        var apiRoster = JsonNode.Parse(await staffApi.GetStringAsync($"/hub/api/courses/{course}/roster"))!.AsArray();
        Assert.Equal(2, apiRoster.Count(r => r!["role"]!.GetValue<string>() == "student"));
        using var aliceApi = fixture.ApiClient(await fixture.TokenAsync(alice));
        Assert.Equal(HttpStatusCode.Forbidden, (await aliceApi.GetAsync($"/hub/api/courses/{course}/roster")).StatusCode);

        using var start = await aliceApi.PostAsync($"/hub/api/users/{alice}/server", null);
        await fixture.WaitReadyAsync(aliceApi, alice);
        await File.WriteAllTextAsync(Path.Combine(fixture.Hub.DataDir, "next.csv"), $"Username,Name,Email,Section\r\n{bob},Bob Li,{bob}@example.edu,B\r\n");
        var drop = await fixture.Hub.CliAsync("roster", "import", course, Path.Combine(fixture.Hub.DataDir, "next.csv"), "--drop-missing", "--json");
        Assert.True(drop.ExitCode == 0, drop.Stderr);
        Assert.Equal([alice], JsonNode.Parse(drop.Stdout)!["dropped"]!.AsArray().Select(d => d!.GetValue<string>()));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await UnixUsers.RunAsync("pgrep", "-u", alice, "-f", "jupyterhub-singleuser") != "" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal("", await UnixUsers.RunAsync("pgrep", "-u", alice, "-f", "jupyterhub-singleuser"));
        Assert.True(Directory.Exists($"/home/{alice}"), "a dropped student's files are kept");
        using var again = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.SignInAsync(alice, "alice password")).StatusCode);
        await UnixUsers.RemoveAsync([alice, bob]);
    }

    private async Task<List<string>> StudentsAsync(string course)
    {
        var list = await fixture.Hub.CliAsync("roster", "list", course, "--json");
        return [.. JsonNode.Parse(list.Stdout)!.AsArray().Where(r => r!["role"]!.GetValue<string>() == "student").Select(r => r!["username"]!.GetValue<string>()).Order()];
    }

    [GeneratedRegex("name=\"upload\" value=\"([0-9a-f]+)\"")]
    private static partial Regex UploadField();
}
