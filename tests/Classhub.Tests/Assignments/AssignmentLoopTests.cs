using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;

namespace Classhub.Assignments.Tests;

/// <summary>
/// The classroom loop against the AOT binary, as root, with real Unix users created by the push: push, edit,
/// re-push, late joiner, submit over REST, privacy of submissions, collect, return; and hostile pushes.
/// </summary>
public sealed class AssignmentLoopTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task PushEditRepushSubmitCollectReturn_RealUsers_KeepsEditsAndRoundTrips()
    {
        var course = "c" + Guid.NewGuid().ToString("N")[..8];
        var students = new[] { await fixture.CreateUserAsync(), await fixture.CreateUserAsync(), await fixture.CreateUserAsync() };
        await Cli("course", "create", course, "--title", "Data 100");
        await ImportRosterAsync(course, students);

        var source = Directory.CreateTempSubdirectory("push-").FullName;
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "release 1 notebook");
        Directory.CreateDirectory(Path.Combine(source, "data"));
        File.WriteAllText(Path.Combine(source, "data", "input.csv"), "a,b\n1,2\n");
        File.WriteAllText(Path.Combine(source, "README.md"), "# Homework 1\nSee [docs](https://example.org) <script>alert(1)</script>");

        var push1 = await Cli("assignment", "push", course, source, "--name", "hw1", "--due", "2099-12-01T23:59:00+01:00", "--json");
        Assert.Equal(1, JsonNode.Parse(push1.Stdout)!["release"]!.GetValue<int>());
        foreach (var s in students)
        {
            var notebook = Home(s, course, "hw1", "analysis.ipynb");
            Assert.Equal("release 1 notebook", File.ReadAllText(notebook));
            Assert.Equal(s, await UnixUsers.RunAsync("stat", "-c", "%U", notebook));
            Assert.Equal(s, await UnixUsers.RunAsync("stat", "-c", "%U", Home(s, course, "hw1", "data")));
            Assert.Equal(s, await UnixUsers.RunAsync("stat", "-c", "%U", Home(s, course)));
        }

        // Student 0 edits the notebook; student 1 deletes the data file.
        await UnixUsers.RunAsync("runuser", "-u", students[0], "--", "sh", "-c", $"echo 'my answer' > '{Home(students[0], course, "hw1", "analysis.ipynb")}'");
        File.Delete(Home(students[1], course, "hw1", "data", "input.csv"));
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "release 2 notebook");

        var push2 = await Cli("assignment", "push", course, source, "--name", "hw1");
        Assert.Contains("kept 1 edited", push2.Stdout, StringComparison.Ordinal);
        Assert.Equal("my answer\n", File.ReadAllText(Home(students[0], course, "hw1", "analysis.ipynb")));
        Assert.Equal("release 2 notebook", File.ReadAllText(Home(students[0], course, "hw1", "analysis (release 2).ipynb")));
        Assert.Equal(students[0], await UnixUsers.RunAsync("stat", "-c", "%U", Home(students[0], course, "hw1", "analysis (release 2).ipynb")));
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(Home(students[1], course, "hw1", "data", "input.csv")));
        Assert.Equal("release 2 notebook", File.ReadAllText(Home(students[2], course, "hw1", "analysis.ipynb")));
        Assert.False(File.Exists(Home(students[2], course, "hw1", "analysis (release 2).ipynb")));

        var status = JsonNode.Parse((await Cli("assignment", "status", course, "hw1", "--json")).Stdout)!.AsArray();
        var first = status.Single(r => r!["user"]!.GetValue<string>() == students[0])!;
        Assert.Equal(2, first["release"]!.GetValue<int>());
        Assert.Contains("analysis (release 2).ipynb", first["conflicts"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // The student is told on their course page; the README is rendered without raw HTML.
        var token0 = await fixture.TokenAsync(students[0]);
        using var api0 = fixture.ApiClient(token0);

        // A late joiner receives the release without anyone pushing again.
        var late = await fixture.CreateUserAsync();
        await ImportRosterAsync(course, [.. students, late]);
        var lateNotebook = Home(late, course, "hw1", "analysis.ipynb");
        for (var i = 0; i < 100 && !File.Exists(lateNotebook); i++)
        {
            await Task.Delay(200);
        }

        Assert.True(File.Exists(lateNotebook), $"the late joiner did not receive hw1:\n{Hub.Output}");
        Assert.Equal("release 2 notebook", File.ReadAllText(lateNotebook));
        Assert.Equal(late, await UnixUsers.RunAsync("stat", "-c", "%U", lateNotebook));

        // Submit over REST with the student's token.
        var submit = await api0.PostAsync($"/hub/api/courses/{course}/assignments/hw1/submit", null);
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var submission = JsonNode.Parse(await submit.Content.ReadAsStringAsync())!;
        Assert.False(submission["late"]!.GetValue<bool>());
        Assert.True(submission["files"]!.GetValue<int>() >= 3);

        // Another student cannot read it.
        var stored = Directory.GetFiles(Path.Combine(Hub.DataDir, "submissions", course, "hw1", students[0]), "analysis.ipynb", SearchOption.AllDirectories).Single();
        Assert.Equal("my answer\n", File.ReadAllText(stored));
        var peek = await RunAsync("runuser", "-u", students[1], "--", "cat", stored);
        Assert.NotEqual(0, peek.ExitCode);
        Assert.DoesNotContain("my answer", peek.Stdout, StringComparison.Ordinal);
        using var api1 = fixture.ApiClient(await fixture.TokenAsync(students[1]));
        var otherStatus = await api1.GetAsync($"/hub/api/courses/{course}/assignments/hw1/status");
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus.StatusCode);

        // Collect and return round trip.
        var collected = Directory.CreateTempSubdirectory("collect-").FullName;
        await Cli("assignment", "collect", course, "hw1", "--to", collected);
        Assert.Equal("my answer\n", File.ReadAllText(Path.Combine(collected, students[0], "analysis.ipynb")));
        Assert.False(Directory.Exists(Path.Combine(collected, students[1])));
        File.WriteAllText(Path.Combine(collected, students[0], "feedback.txt"), "9/10, good work");
        await Cli("assignment", "return", course, "hw1", "--from", collected);
        var feedback = Home(students[0], course, "hw1", "feedback", "feedback.txt");
        Assert.Equal("9/10, good work", File.ReadAllText(feedback));
        Assert.Equal(students[0], await UnixUsers.RunAsync("stat", "-c", "%U", feedback));
        Assert.Equal("my answer\n", File.ReadAllText(Home(students[0], course, "hw1", "analysis.ipynb")));
        status = JsonNode.Parse((await Cli("assignment", "status", course, "hw1", "--json")).Stdout)!.AsArray();
        first = status.Single(r => r!["user"]!.GetValue<string>() == students[0])!;
        Assert.NotNull(first["feedback_returned_at"]);
        Assert.NotNull(first["submitted_at"]);
    }

    [Fact]
    public async Task Push_HostileInput_RefusedOrSkippedAndNothingEscapes()
    {
        var course = "c" + Guid.NewGuid().ToString("N")[..8];
        var student = await fixture.CreateUserAsync();
        var victim = await fixture.CreateUserAsync();
        await Cli("course", "create", course, "--title", "Hostile");
        await ImportRosterAsync(course, [student, victim]);

        // A symlink to /etc/shadow in the pushed folder is skipped with a warning, not followed.
        var source = Directory.CreateTempSubdirectory("hostile-").FullName;
        File.WriteAllText(Path.Combine(source, "ok.txt"), "fine");
        File.CreateSymbolicLink(Path.Combine(source, "shadow"), "/etc/shadow");
        var pushed = await Cli("assignment", "push", course, source, "--name", "links");
        Assert.Contains("skipped shadow", pushed.Stderr, StringComparison.Ordinal);
        Assert.Equal("fine", File.ReadAllText(Home(student, course, "links", "ok.txt")));
        Assert.False(Path.Exists(Home(student, course, "links", "shadow")));

        // Zip-slip, absolute paths and '..' names refuse the whole push: no release, nothing delivered.
        foreach (var (label, entry) in new[] { ("slip", "../../evil.txt"), ("abs", "/tmp/evil-abs.txt"), ("dots", "sub/../../evil.txt") })
        {
            var zip = Path.Combine(Directory.CreateTempSubdirectory("zip-").FullName, "a.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                using (var w = new StreamWriter(archive.CreateEntry("good.txt").Open()))
                {
                    w.Write("good");
                }

                using (var w = new StreamWriter(archive.CreateEntry(entry).Open()))
                {
                    w.Write("evil");
                }
            }

            var refused = await RunCliAsync("assignment", "push", course, zip, "--name", label);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("nothing was pushed", refused.Stderr, StringComparison.Ordinal);
            Assert.False(Path.Exists(Home(student, course, label)), $"{label} was delivered");
            Assert.False(File.Exists(Home(student, course, "evil.txt")));
            Assert.False(File.Exists("/tmp/evil-abs.txt"));
            Assert.Equal(1, (await RunCliAsync("assignment", "status", course, label)).ExitCode);
        }

        // A student who plants ~/course/assignment as a link to someone else's home gets nothing written through it.
        var target = Home(victim, course);
        Directory.CreateDirectory(Home(student, course));
        File.CreateSymbolicLink(Home(student, course, "planted"), target);
        File.WriteAllText(Path.Combine(source, "ok.txt"), "v2");
        var planted = await RunCliAsync("assignment", "push", course, source, "--name", "planted");
        Assert.Equal(1, planted.ExitCode);
        Assert.Contains("not a folder", planted.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "ok.txt")));
        Assert.Equal("v2", File.ReadAllText(Home(victim, course, "planted", "ok.txt")));
    }

    [Fact]
    public async Task CoursePage_StaffZipUploadAndStudentView_DeliversInBackgroundAndShowsConflicts()
    {
        var course = "c" + Guid.NewGuid().ToString("N")[..8];
        var student = await fixture.CreateUserAsync();
        var ta = await fixture.CreateUserAsync();
        await Cli("course", "create", course, "--title", "Pages");
        await ImportRosterAsync(course, [student]);
        await Cli("course", "staff", "add", course, ta, "--role", "ta");

        using var staff = new Browser(Hub.Url);
        await staff.SignInAsync(ta, "correct horse");
        var (_, page) = await staff.GetAsync($"/hub/courses/{course}");
        Assert.Contains("Push an assignment", page, StringComparison.Ordinal);

        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(archive.CreateEntry("lab1/README.md").Open()))
            {
                w.Write("# Lab one\n<script>alert(1)</script>\n[bad](javascript:alert(1))");
            }

            using (var w = new StreamWriter(archive.CreateEntry("lab1/lab.ipynb").Open()))
            {
                w.Write("v1");
            }
        }

        async Task<string> PushZipAsync(byte[] bytes)
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(staff.LastCsrf!), "_csrf" },
                { new StringContent("lab1"), "name" },
                { new StringContent("2099-01-01T10:00:00+01:00"), "due" },
                { new ByteArrayContent(bytes), "zip", "lab1.zip" },
            };
            var response = await staff.Client.PostAsync($"/hub/courses/{course}/assignments/push", form);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return body;
        }

        Assert.Contains("delivering to 1 students in the background", await PushZipAsync(zip.ToArray()), StringComparison.Ordinal);
        var notebook = Home(student, course, "lab1", "lab.ipynb");
        for (var i = 0; i < 100 && !File.Exists(notebook); i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("v1", File.ReadAllText(notebook));
        Assert.Equal(student, await UnixUsers.RunAsync("stat", "-c", "%U", notebook));
        (_, page) = await staff.GetAsync($"/hub/courses/{course}");
        Assert.Contains("delivered to 1 of 1 students", page, StringComparison.Ordinal);
        Assert.Contains("submissions.zip", page, StringComparison.Ordinal);

        // A folder upload naming one path twice, or a file that is also a folder, is refused whole before anything is
        // written (it overwrote silently, or failed half-way with a 500).
        using (var folder = new MultipartFormDataContent
        {
            { new StringContent(staff.LastCsrf!), "_csrf" },
            { new StringContent("lab1"), "name" },
            { new ByteArrayContent("x"u8.ToArray()), "folder", "lab1/data" },
            { new ByteArrayContent("y"u8.ToArray()), "folder", "lab1/data/part.csv" },
            { new ByteArrayContent("z"u8.ToArray()), "folder", "lab1/lab.ipynb" },
            { new ByteArrayContent("w"u8.ToArray()), "folder", "lab1/lab.ipynb" },
        })
        {
            var refused = await staff.Client.PostAsync($"/hub/courses/{course}/assignments/push", folder);
            var text = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("'data' is both a file and a folder", text, StringComparison.Ordinal);
            Assert.Contains("'lab.ipynb' is in the upload twice", text, StringComparison.Ordinal);
            Assert.Equal("v1", File.ReadAllText(notebook));
        }

        // The student edits, staff push release 2: the student's page says what was kept and where the new one is.
        await UnixUsers.RunAsync("runuser", "-u", student, "--", "sh", "-c", $"echo mine > '{notebook}'");
        var zip2 = new MemoryStream();
        using (var archive = new ZipArchive(zip2, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(archive.CreateEntry("lab.ipynb").Open());
            w.Write("v2");
        }

        await PushZipAsync(zip2.ToArray());
        var beside = Home(student, course, "lab1", "lab (release 2).ipynb");
        for (var i = 0; i < 100 && !File.Exists(beside); i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("v2", File.ReadAllText(beside));
        Assert.Equal("mine\n", File.ReadAllText(notebook));

        using var browser = new Browser(Hub.Url);
        await browser.SignInAsync(student, "correct horse");
        var (_, mine) = await browser.GetAsync($"/hub/courses/{course}");
        Assert.Contains("lab.ipynb → lab (release 2).ipynb", System.Net.WebUtility.HtmlDecode(mine), StringComparison.Ordinal);
        Assert.Contains(">Submit</button>", mine, StringComparison.Ordinal);
        Assert.Contains("data-local datetime=\"2099-01-01T09:00:00Z\"", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", mine, StringComparison.Ordinal);

        var (submitted, body) = await browser.PostFormAsync($"/hub/courses/{course}/assignments/lab1/submit", new Dictionary<string, string>());
        Assert.True(submitted.IsSuccessStatusCode, body);
        Assert.Contains("Submitted", body, StringComparison.Ordinal);
        var download = await staff.Client.GetAsync($"/hub/courses/{course}/assignments/lab1/submissions.zip");
        using var collected = new ZipArchive(await download.Content.ReadAsStreamAsync());
        Assert.Contains($"{student}/lab.ipynb", collected.Entries.Select(e => e.FullName));
        var forbidden = await browser.Client.GetAsync($"/hub/courses/{course}/assignments/lab1/submissions.zip");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static string Home(string user, params string[] parts) => Path.Combine(["/home", user, .. parts]);

    private async Task ImportRosterAsync(string course, IEnumerable<string> students)
    {
        var csv = Path.Combine(Directory.CreateTempSubdirectory("roster-").FullName, "roster.csv");
        File.WriteAllLines(csv, ["username,name,email", .. students.Select(s => $"{s},Student {s},{s}@example.edu")]);
        await Cli("roster", "import", course, csv);
    }

    private async Task<CliResult> Cli(params string[] args)
    {
        var result = await Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    private Task<CliResult> RunCliAsync(params string[] args) => Hub.CliAsync(args);

    private static async Task<CliResult> RunAsync(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new CliResult(p.ExitCode, stdout, stderr);
    }
}
