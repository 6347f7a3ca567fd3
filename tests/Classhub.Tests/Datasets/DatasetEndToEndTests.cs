using System.Net;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;

namespace Classhub.Datasets.Tests;

/// <summary>
/// Datasets and shared kernels against the AOT binary as root, with real jupyterhub-singleuser servers and ipykernel:
/// the dataset is read-only by the kernel inside a student's own kernel, reaches a running server and leaves it
/// again, and is invisible to another course; kernels added with the CLI show up in the student's launcher and run.
/// </summary>
[Collection("hub")]
public sealed class DatasetEndToEndTests(HubFixture fixture) : IClassFixture<HubFixture>, IDisposable
{
    private const string Password = "dataset pw";
    private const string ReadOnly = "Read-only file system";
    private readonly string _sources = Directory.CreateTempSubdirectory("classhub-datasets-").FullName;

    public void Dispose()
    {
        Directory.Delete(_sources, recursive: true);
    }

    [Fact]
    public async Task Dataset_InStudentsKernel_ReadOnlyByKernel_ReachesRunningServer_InvisibleToOtherCourse()
    {
        var courseA = "ds" + Guid.NewGuid().ToString("N")[..6];
        var courseB = "ds" + Guid.NewGuid().ToString("N")[..6];
        var alice = await fixture.CreateUserAsync(Password);
        var carol = await fixture.CreateUserAsync(Password);
        await CreateCourseAsync(courseA, alice);
        await CreateCourseAsync(courseB, carol);
        var iris = MakeSource("iris", "data.csv", "sepal,petal\n5.1,1.4\n");
        File.SetUnixFileMode(_sources, (UnixFileMode)0b111_101_101);

        try
        {
            await CliOkAsync("dataset", "add", courseA, "iris", iris);
            await UnixUsers.RunAsync("useradd", "-m", "-s", "/bin/bash", alice);
            await CliOkAsync("user", "link", alice);
            await UnixUsers.RunAsync("chown", alice, Path.Combine(iris, "data.csv"));
            using var aliceBrowser = await StartServerAsync(alice);
            var kernel = await JupyterKernel.StartAsync(aliceBrowser, alice);

            var read = await JupyterKernel.ExecuteAsync(aliceBrowser, alice, kernel, "import os\nprint(open(os.path.expanduser('~/datasets/iris/data.csv')).read().splitlines()[1])");
            Assert.Equal("5.1,1.4\n", read);

            var attempts = await JupyterKernel.ExecuteAsync(aliceBrowser, alice, kernel, """
                import os
                d = os.path.expanduser('~/datasets')
                p = d + '/iris'
                tries = [
                    ('write', lambda: open(p + '/new.txt', 'w')),
                    ('append', lambda: open(p + '/data.csv', 'a')),
                    ('delete', lambda: os.remove(p + '/data.csv')),
                    ('rename', lambda: os.rename(p + '/data.csv', p + '/moved.csv')),
                    ('chmod', lambda: os.chmod(p + '/data.csv', 0o666)),
                    ('mkdir', lambda: os.mkdir(d + '/mine')),
                    ('rmdir', lambda: os.rmdir(p)),
                ]
                for name, attempt in tries:
                    try:
                        attempt()
                        print(name, 'succeeded')
                    except OSError as e:
                        print(name, e.strerror)
                print('owner', os.stat(p + '/data.csv').st_uid == os.getuid())
                f = os.statvfs(p).f_flag
                print('mount', [n for n in ('ST_RDONLY', 'ST_NOSUID', 'ST_NODEV') if f & getattr(os, n)])
                """);
            var expected = string.Concat(new[] { "write", "append", "delete", "rename", "chmod", "mkdir", "rmdir" }.Select(n => $"{n} {ReadOnly}\n")) + "owner True\n" + "mount ['ST_RDONLY', 'ST_NOSUID', 'ST_NODEV']\n";
            Assert.Equal(expected, attempts);
            Assert.Equal("sepal,petal\n5.1,1.4\n", await File.ReadAllTextAsync(Path.Combine(iris, "data.csv")));

            var extra = MakeSource("extra", "notes.txt", "added while running\n");
            await CliOkAsync("dataset", "add", courseA, "extra", extra);
            var seen = await PollKernelAsync(aliceBrowser, alice, kernel, "import os\nprint(open(os.path.expanduser('~/datasets/extra/notes.txt')).read() if os.path.exists(os.path.expanduser('~/datasets/extra/notes.txt')) else 'missing', end='')", "added while running\n");
            Assert.Equal("added while running\n", seen);
            var extraWrite = await JupyterKernel.ExecuteAsync(aliceBrowser, alice, kernel, "import os\ntry:\n    open(os.path.expanduser('~/datasets/extra/x'), 'w')\n    print('succeeded')\nexcept OSError as e:\n    print(e.strerror)");
            Assert.Equal(ReadOnly + "\n", extraWrite);

            await CliOkAsync("dataset", "remove", courseA, "extra");
            var gone = await PollKernelAsync(aliceBrowser, alice, kernel, "import os\nprint(sorted(os.listdir(os.path.expanduser('~/datasets'))))", "['iris']\n");
            Assert.Equal("['iris']\n", gone);

            using var carolBrowser = await StartServerAsync(carol);
            var carolKernel = await JupyterKernel.StartAsync(carolBrowser, carol);
            var carolSees = await JupyterKernel.ExecuteAsync(carolBrowser, carol, carolKernel, """
                import os
                d = os.path.expanduser('~/datasets')
                print(sorted(os.listdir(d)) if os.path.isdir(d) else 'none')
                try:
                    print(os.listdir('/run/classhub/datasets'))
                except OSError as e:
                    print(e.strerror)
                """);
            Assert.Equal("[]\nPermission denied\n", carolSees);

            var (_, coursePage) = await aliceBrowser.GetAsync($"/hub/courses/{courseA}");
            Assert.Contains("~/datasets/iris", coursePage, StringComparison.Ordinal);
            Assert.DoesNotContain("~/datasets/extra", coursePage, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Hub.CliAsync("dataset", "remove", courseA, "iris");
            await fixture.Hub.CliAsync("dataset", "remove", courseA, "extra");
            await StopAndUnmountAsync(alice);
            await StopAndUnmountAsync(carol);
        }
    }

    [Fact]
    public async Task KernelAdd_SystemPython_InLaunchersAndRuns_CourseKernelOnlyForMembers_NoIpykernelIsExplained()
    {
        var everyone = "e2e" + Guid.NewGuid().ToString("N")[..6];
        var courseOnly = "e2e" + Guid.NewGuid().ToString("N")[..6];
        var course = "kc" + Guid.NewGuid().ToString("N")[..6];
        var member = await fixture.CreateUserAsync(Password);
        var outsider = await fixture.CreateUserAsync(Password);
        await CreateCourseAsync(course, member);
        try
        {
            await CliOkAsync("kernel", "add", everyone, "--python", "/usr/bin/python3", "--display-name", "Everyone's Python");
            await CliOkAsync("kernel", "add", courseOnly, "--python", "/usr/bin/python3", "--display-name", "Course Python", "--course", course);
            var listed = JsonNode.Parse((await CliOkAsync("kernel", "list", "--json")).Stdout)!.AsArray();
            Assert.Contains(listed, k => k!["name"]!.GetValue<string>() == courseOnly && k["course"]!.GetValue<string>() == course);

            using var memberBrowser = await StartServerAsync(member);
            var specs = JsonNode.Parse((await memberBrowser.GetAsync($"/user/{member}/api/kernelspecs")).Body)!["kernelspecs"]!.AsObject();
            Assert.Equal("Everyone's Python", specs[$"classhub-{everyone}"]!["spec"]!["display_name"]!.GetValue<string>());
            Assert.Equal("Course Python", specs[$"classhub-{courseOnly}"]!["spec"]!["display_name"]!.GetValue<string>());

            var kernel = await JupyterKernel.StartAsync(memberBrowser, member, $"classhub-{everyone}");
            Assert.Equal("/usr/bin/python3 42\n", await JupyterKernel.ExecuteAsync(memberBrowser, member, kernel, "import sys\nprint(sys.executable, 6*7)"));

            using var outsiderBrowser = await StartServerAsync(outsider);
            var outsiderSpecs = JsonNode.Parse((await outsiderBrowser.GetAsync($"/user/{outsider}/api/kernelspecs")).Body)!["kernelspecs"]!.AsObject();
            Assert.True(outsiderSpecs.ContainsKey($"classhub-{everyone}"));
            Assert.False(outsiderSpecs.ContainsKey($"classhub-{courseOnly}"));

            // kernel add checks the interpreter as nobody (students run kernels as themselves): it must be reachable.
            File.SetUnixFileMode(_sources, (UnixFileMode)0b111_101_101);
            var venv = Path.Combine(_sources, "bare-env");
            await UnixUsers.RunAsync("/usr/bin/python3", "-m", "venv", "--without-pip", venv);
            var python = Path.Combine(venv, "bin", "python");
            Assert.True(File.Exists(python), "python3 -m venv made no interpreter (Debian: python3-venv)");
            var refused = await fixture.Hub.CliAsync("kernel", "add", "bare", "--python", python);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains($"{python} has no ipykernel; install it into that environment: {python} -m pip install ipykernel (or conda install -n bare-env ipykernel)", refused.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists("/usr/local/share/jupyter/kernels/classhub-bare"));

            await CliOkAsync("kernel", "remove", everyone);
            Assert.False(Directory.Exists($"/usr/local/share/jupyter/kernels/classhub-{everyone}"));
            var after = JsonNode.Parse((await memberBrowser.GetAsync($"/user/{member}/api/kernelspecs")).Body)!["kernelspecs"]!.AsObject();
            Assert.False(after.ContainsKey($"classhub-{everyone}"));
        }
        finally
        {
            await fixture.Hub.CliAsync("kernel", "remove", everyone);
            await fixture.Hub.CliAsync("kernel", "remove", courseOnly);
            await StopAndUnmountAsync(member);
            await StopAndUnmountAsync(outsider);
        }
    }

    [Fact]
    public async Task DatasetAdd_BadInput_ClearErrorsAndNothingAdded_CoursePageFormsForStaff()
    {
        var course = "bd" + Guid.NewGuid().ToString("N")[..6];
        var student = await fixture.CreateUserAsync(Password);
        await CreateCourseAsync(course, student);
        await UnixUsers.RunAsync("useradd", "-m", "-s", "/bin/bash", student);
        var inHome = $"/home/{student}/data";
        Directory.CreateDirectory(inHome);

        var missing = await fixture.Hub.CliAsync("dataset", "add", course, "gone", "/nonexistent/classhub-data");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("'/nonexistent/classhub-data' does not exist", missing.Stderr, StringComparison.Ordinal);

        var home = await fixture.Hub.CliAsync("dataset", "add", course, "homework", inHome);
        Assert.NotEqual(0, home.ExitCode);
        // Homes under /home are a system folder for datasets (homes elsewhere are refused by name: DatasetCatalogTests).
        Assert.Contains($"'{inHome}' cannot be shared: it is inside /home, a system folder", home.Stderr, StringComparison.Ordinal);

        var badName = await fixture.Hub.CliAsync("dataset", "add", course, "../etc", _sources);
        Assert.NotEqual(0, badName.ExitCode);
        Assert.Contains("is not a valid dataset name", badName.Stderr, StringComparison.Ordinal);

        var noCourse = await fixture.Hub.CliAsync("dataset", "add", "nosuchcourse", "x", _sources);
        Assert.Contains("there is no course 'nosuchcourse'", noCourse.Stderr, StringComparison.Ordinal);

        Assert.Equal("[]", (await CliOkAsync("dataset", "list", course, "--json")).Stdout.Trim());

        var instructor = await fixture.CreateUserAsync(Password);
        await CliOkAsync("course", "staff", "add", course, instructor, "--role", "instructor");
        using var staff = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(instructor, Password)).StatusCode);
        var (_, page) = await staff.GetAsync($"/hub/courses/{course}");
        Assert.Contains("Add dataset", page, StringComparison.Ordinal);
        var (refused, refusedBody) = await staff.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "homework", ["path"] = inHome });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("cannot be shared: it is inside /home, a system folder", refusedBody, StringComparison.Ordinal);
        await staff.GetAsync($"/hub/courses/{course}");
        // Course staff share folders under datasets.roots (default /srv) only.
        var (outside, outsideBody) = await staff.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "pagedata" + course, ["path"] = _sources });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("is outside the folders course staff may share (datasets.roots: /srv)", outsideBody, StringComparison.Ordinal);
        var underSrv = Directory.CreateDirectory("/srv/classhub-e2e-" + course).FullName;
        await staff.GetAsync($"/hub/courses/{course}");
        var (added, _) = await staff.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "pagedata" + course, ["path"] = underSrv });
        Directory.Delete(underSrv);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"\"pagedata{course}\"", (await CliOkAsync("dataset", "list", course, "--json")).Stdout, StringComparison.Ordinal);
        await staff.GetAsync($"/hub/courses/{course}");
        var (removed, _) = await staff.PostFormAsync($"/hub/courses/{course}/datasets/remove", new Dictionary<string, string> { ["name"] = "pagedata" + course });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal("[]", (await CliOkAsync("dataset", "list", course, "--json")).Stdout.Trim());

        using var noToken = new Browser(fixture.Hub.Url);
        await noToken.SignInAsync(instructor, Password);
        var (forged, _) = await noToken.PostFormAsync($"/hub/courses/{course}/datasets/add", new Dictionary<string, string> { ["name"] = "forged", ["path"] = _sources }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    private string MakeSource(string name, string file, string content)
    {
        var dir = Path.Combine(_sources, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, file), content);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(dir, file), (UnixFileMode)0b110_100_100);
        return dir;
    }

    private async Task CreateCourseAsync(string course, string student)
    {
        await CliOkAsync("course", "create", course, "--title", "Datasets " + course);
        var csv = Path.Combine(_sources, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"Username,Name,Email,Section\r\n{student},S,{student}@example.edu,A\r\n");
        await CliOkAsync("roster", "import", course, csv);
    }

    private async Task<CliResult> CliOkAsync(params string[] args)
    {
        var result = await fixture.Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed: {result.Stderr}");
        return result;
    }

    private async Task<Browser> StartServerAsync(string user)
    {
        var browser = new Browser(fixture.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user, Password)).StatusCode);
        await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string> { ["next"] = $"/user/{user}/tree" });
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var (_, body, path) = await browser.FollowAsync($"/hub/spawn-pending/{user}?next=/user/{user}/tree");
            if (path == $"/user/{user}/tree")
            {
                return browser;
            }

            Assert.True(DateTime.UtcNow < deadline && !body.Contains("data-failed=\"true\"", StringComparison.Ordinal), $"the server of {user} did not start:\n{body}\n{fixture.Hub.Output}");
            await Task.Delay(300);
        }
    }

    private static async Task<string> PollKernelAsync(Browser browser, string user, string kernel, string code, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await JupyterKernel.ExecuteAsync(browser, user, kernel, code);
            if (last == expected)
            {
                break;
            }

            await Task.Delay(250);
        }

        return last;
    }

    // The hub keeps a running server's tree up to date, so the server is stopped before its tree is taken down.
    private async Task StopAndUnmountAsync(string user)
    {
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        using var stopped = await api.DeleteAsync($"/hub/api/users/{user}/server");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!["servers"]?[""] is not null)
        {
            await Task.Delay(200);
        }

        var tree = $"/run/classhub/datasets/{user}";
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists(tree) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var leftOver = Directory.Exists(tree);
        await UnixUsers.RunAsync("umount", "--recursive", "--lazy", tree);
        if (Directory.Exists(tree))
        {
            Directory.Delete(tree, recursive: true);
        }

        Assert.False(leftOver, $"the dataset tree {tree} was not taken down when the server of {user} stopped");
    }
}
