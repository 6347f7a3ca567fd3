using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Classhub.Recovery.Tests;

/// <summary>
/// Nothing lost and nothing stuck when the hub (or the CLI) dies mid-work: each test kills the real process with
/// SIGKILL at seeded random instants (a delay drawn within the time the work takes, or the moment the work has
/// reached k students), many times, then restarts it where that applies and checks the outcome: the database
/// passes integrity_check, every student is on the newest release with their own edits kept and no "(release N)"
/// copy beside a file they never edited, no temporary or staging file is left, and nothing is half-applied.
/// The figures (kills, students desynchronised, leftovers) are written to the test output.
/// </summary>
[Collection("hub")]
public sealed partial class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Students = 20;
    private const int PushKills = 10;
    private const int RosterKills = 10;
    private const int ServerKills = 6;

    /// <summary>How long the hub may take to finish what a killed process left (it looks every few seconds).</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CliPush_KilledAtRandomInstants_HubFinishesEveryDeliveryEditsKeptNothingLeft()
    {
        await using var room = await CrashClassroom.StartAsync(Students);
        var random = new Random(2401);
        string[] push = ["assignment", "push", room.Course, room.Source, "--name", CrashClassroom.Assignment];
        room.WriteRelease(1);
        await room.CliOkAsync(push);
        room.Recorded(1, 1);
        room.WriteRelease(2);
        var clock = Stopwatch.StartNew();
        await room.CliOkAsync(push);
        var full = clock.Elapsed;
        room.Recorded(2, 2);

        var kills = 0;
        var tries = 0;
        var phases = new Phases();
        var stuck = new List<string>();
        var n = 3;
        for (; kills < PushKills && tries < 3 * PushKills; n++, tries++)
        {
            await EditSomeAsync(room, random, n);
            room.WriteRelease(n);
            var before = room.LatestRelease();
            var cli = room.StartCli(push);
            await KillPointAsync(room, random, n, full, cli);
            var reached = room.StudentsHolding(n);
            if (CrashClassroom.Kill(cli))
            {
                kills++;
                phases.Count(room.LatestRelease() > before, reached, Students);
            }

            stuck.AddRange(await RecoveredAsync(room, n, $"CLI push {n} killed"));
        }

        var report = await FinalPushAsync(room, random, n, () => room.CliOkAsync(push));
        output.WriteLine($"CLI push: {Students} students x {CrashClassroom.Paths.Count()} files, {kills} kills (SIGKILL) in {tries} tries ({phases}); a push took {full.TotalMilliseconds:0} ms; " +
            $"not finished after a kill: {stuck.Count}; after a last push: {report}; leftovers: {room.DataDirLeftovers().Count}");
        Assert.Equal(PushKills, kills);
        Assert.True(stuck.Count == 0, string.Join("\n", stuck) + "\n" + room.HubOutput);
        Assert.True(report.Clean, report.ToString());
        Assert.Empty(room.DataDirLeftovers());
        Assert.Equal("ok", room.IntegrityCheck());
    }

    [Fact]
    public async Task WebPush_HubKilledAtRandomInstants_RestartedHubFinishesAndCoursePageShowsProgress()
    {
        await using var room = await CrashClassroom.StartAsync(Students);
        var random = new Random(2402);
        using var staff = new Browser(room.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(room.Staff, CrashClassroom.StaffPassword)).StatusCode);
        await WebPushAsync(room, staff, 1);
        room.Recorded(1, 1);
        Assert.True(await CrashClassroom.WaitUntilAsync(() => room.DeliveredReleases().Values.All(r => r == 1), Recovery), room.HubOutput);
        var clock = Stopwatch.StartNew();
        await WebPushAsync(room, staff, 2);
        room.Recorded(2, 2);
        Assert.True(await CrashClassroom.WaitUntilAsync(() => room.DeliveredReleases().Values.All(r => r == 2), Recovery), room.HubOutput);
        var full = clock.Elapsed;

        var kills = 0;
        var phases = new Phases();
        var stuck = new List<string>();
        var pageProblems = new List<string>();
        for (var n = 3; n < 3 + PushKills; n++)
        {
            await EditSomeAsync(room, random, n);
            var before = room.LatestRelease();
            var posting = WebPushAsync(room, staff, n);
            await KillPointAsync(room, random, n, full, null);
            var sigterm = n % 4 == 0;
            var reached = room.StudentsHolding(n);
            var recorded = room.LatestRelease() > before;
            if (await room.KillAndRestartHubAsync(sigterm))
            {
                kills++;
                phases.Count(recorded, reached, Students);
            }

            await posting.ContinueWith(_ => { }, TaskScheduler.Default);
            stuck.AddRange(await RecoveredAsync(room, n, $"web push {n}, hub {(sigterm ? "stopped (SIGTERM)" : "killed")}"));

            var latest = room.LatestRelease();
            var (_, page) = await staff.GetAsync($"/hub/courses/{room.Course}");
            if (!page.Contains($"release {latest}: delivered to {Students} of {Students} students", StringComparison.Ordinal))
            {
                pageProblems.Add($"after push {n} the course page does not show release {latest} delivered to all: {Progress(page)}");
            }
        }

        var report = await FinalPushAsync(room, random, 3 + PushKills, async () =>
        {
            await WebPushAsync(room, staff, 3 + PushKills);
            Assert.True(await CrashClassroom.WaitUntilAsync(() => room.DeliveredReleases().Values.All(r => r == room.LatestRelease()), Recovery), room.HubOutput);
        });
        output.WriteLine($"web push: {Students} students x {CrashClassroom.Paths.Count()} files, {kills} kills of the hub in {PushKills} tries (every 4th SIGTERM; {phases}); a push took {full.TotalMilliseconds:0} ms; " +
            $"not finished after a restart: {stuck.Count}; course page wrong: {pageProblems.Count}; after a last push: {report}; leftovers: {room.DataDirLeftovers().Count}");
        Assert.Equal(PushKills, kills);
        Assert.True(stuck.Count == 0, string.Join("\n", stuck) + "\n" + room.HubOutput);
        Assert.True(pageProblems.Count == 0, string.Join("\n", pageProblems));
        Assert.True(report.Clean, report.ToString());
        Assert.Empty(room.DataDirLeftovers());
        Assert.Equal("ok", room.IntegrityCheck());
    }

    [Fact]
    public async Task RosterImport_CliKilledAtRandomInstants_RosterWhollyOldOrWhollyNew()
    {
        await using var room = await CrashClassroom.StartAsync(students: 0);
        var random = new Random(2403);
        var (a, b) = Rosters(room);
        string[] Import(string file) => ["roster", "import", room.Course, file, "--drop-missing"];
        await room.CliOkAsync(Import(a));
        var stateA = room.RosterState();
        var clock = Stopwatch.StartNew();
        await room.CliOkAsync(Import(b));
        var full = clock.Elapsed;
        var stateB = room.RosterState();
        Assert.NotEqual(stateA, stateB);

        var kills = 0;
        var tries = 0;
        var halfApplied = new List<string>();
        var applied = 0;
        for (var i = 0; kills < RosterKills && tries < 3 * RosterKills; i++, tries++)
        {
            var before = room.RosterState();
            var cli = room.StartCli(Import(i % 2 == 0 ? a : b));
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds));
            kills += CrashClassroom.Kill(cli) ? 1 : 0;
            var after = room.RosterState();
            applied += after != before ? 1 : 0;
            if (after != stateA && after != stateB)
            {
                halfApplied.Add($"kill {i}: the roster is neither the old one nor the new one: {after}");
            }

            Assert.Equal("ok", room.IntegrityCheck());
        }

        output.WriteLine($"roster import (CLI): {kills} kills (SIGKILL) in {tries} tries, an import took {full.TotalMilliseconds:0} ms; {applied} imports had committed when killed; half-applied: {halfApplied.Count}; leftovers: {room.DataDirLeftovers().Count}");
        Assert.Equal(RosterKills, kills);
        Assert.Empty(halfApplied);
        Assert.Empty(room.DataDirLeftovers());
    }

    [Fact]
    public async Task RosterImport_HubKilledDuringPreviewOrConfirm_RosterWhollyOldOrWhollyNewAfterRestart()
    {
        await using var room = await CrashClassroom.StartAsync(students: 0);
        var random = new Random(2404);
        var (a, b) = Rosters(room);
        using var staff = new Browser(room.Hub.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(room.Staff, CrashClassroom.StaffPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await WebImportAsync(room, staff, a));
        var stateA = room.RosterState();
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await WebImportAsync(room, staff, b));
        var full = clock.Elapsed;
        var stateB = room.RosterState();
        Assert.NotEqual(stateA, stateB);

        var kills = 0;
        var halfApplied = new List<string>();
        var answers = new List<string>();
        var tries = RosterKills;
        for (var i = 0; i < tries; i++)
        {
            var importing = WebImportAsync(room, staff, i % 2 == 0 ? a : b);
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds * 2));
            kills += await room.KillAndRestartHubAsync() ? 1 : 0;
            answers.Add(await importing.ContinueWith(t => t.IsCompletedSuccessfully ? ((int)t.Result).ToString(System.Globalization.CultureInfo.InvariantCulture) : "cut", TaskScheduler.Default));
            var after = room.RosterState();
            if (after != stateA && after != stateB)
            {
                halfApplied.Add($"kill {i}: the roster is neither the old one nor the new one: {after}");
            }

            Assert.Equal("ok", room.IntegrityCheck());
        }

        output.WriteLine($"roster import (course page): {kills} kills of the hub of {tries} tries, an import took {full.TotalMilliseconds:0} ms; answers: {string.Join(",", answers)}; half-applied: {halfApplied.Count}; leftovers: {room.DataDirLeftovers().Count}");
        Assert.DoesNotContain("500", answers);
        Assert.Empty(halfApplied);
        Assert.Empty(room.DataDirLeftovers());
    }

    [Fact]
    public async Task ServerStarts_HubKilledWhileServersStart_EachRunningAndReachableOrStoppedNoneOrphaned()
    {
        await using var room = await CrashClassroom.StartAsync(students: 0);
        var random = new Random(2405);
        var users = room.NewNames(3);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            await room.CliOkAsync("user", "add", user);
            tokens[user] = (await room.CliOkAsync("token", "create", user, "--note", "crash")).LastLine;
        }

        var kills = 0;
        var problems = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ServerKills; i++)
        {
            foreach (var user in users)
            {
                using var api = Api(room, tokens[user]);
                using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
                Assert.True(start.IsSuccessStatusCode, $"starting the server of {user}: {(int)start.StatusCode}");
            }

            if (i % 2 == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 3_000)));
            }
            else
            {
                // The moment a server process exists is the one a hub must not lose it in.
                await CrashClassroom.WaitUntilAsync(() => users.Any(u => Processes(u).Count > 0), TimeSpan.FromSeconds(30), pollMilliseconds: 1);
            }

            kills += await room.KillAndRestartHubAsync() ? 1 : 0;
            foreach (var user in users)
            {
                var (outcome, problem) = await SettleAsync(room, user, tokens[user]);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (problem is not null)
                {
                    problems.Add($"kill {i}: {problem}");
                }

                using var api = Api(room, tokens[user]);
                using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
            }

            foreach (var user in users)
            {
                Assert.True(await CrashClassroom.WaitUntilAsync(() => Processes(user).Count == 0, TimeSpan.FromSeconds(30)), $"the server of {user} did not stop: {string.Join(", ", Processes(user))}");
            }
        }

        output.WriteLine($"server starts: {kills} kills of the hub of {ServerKills} tries with {users.Count} servers starting; outcomes: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}; problems: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + room.HubOutput);
        Assert.Equal("ok", room.IntegrityCheck());
    }

    /// <summary>Two or three students overwrite a delivered file with text of their own before push <paramref name="n"/>.</summary>
    private static async Task EditSomeAsync(CrashClassroom room, Random random, int n)
    {
        var paths = CrashClassroom.Paths.ToList();
        for (var e = 0; e < 2 + random.Next(2); e++)
        {
            var student = room.Students[random.Next(room.Students.Count)];
            await room.EditAsync(student, paths[random.Next(paths.Count)], $"{student}'s own work before push {n}");
        }
    }

    /// <summary>Waits for the instant to kill at: half the time a random delay within a push's time, else until a random number of students hold push <paramref name="n"/>.</summary>
    private static async Task KillPointAsync(CrashClassroom room, Random random, int n, TimeSpan full, Process? cli)
    {
        if (random.Next(2) == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds));
            return;
        }

        var k = random.Next(1, room.Students.Count);
        await CrashClassroom.WaitUntilAsync(() => cli is { HasExited: true } || room.StudentsHolding(n) >= k, TimeSpan.FromSeconds(60), pollMilliseconds: 2);
    }

    /// <summary>After a kill: waits until every student is on the newest release and nothing is left over; what did not recover.</summary>
    private static async Task<IReadOnlyList<string>> RecoveredAsync(CrashClassroom room, int push, string what)
    {
        var release = room.LatestRelease();
        room.RecordedIfNew(release, push);
        var done = await CrashClassroom.WaitUntilAsync(
            () => room.DeliveredReleases().Values.All(r => r == release) && room.DataDirLeftovers().Count == 0 && room.CheckHomes(release).Clean,
            Recovery);
        if (done)
        {
            return [];
        }

        var behind = room.DeliveredReleases().Where(d => d.Value != release).Select(d => $"{d.Key} on {d.Value}").ToList();
        return [$"{what}: after {Recovery.TotalSeconds:0} s, {behind.Count} students not on release {release} ({string.Join(", ", behind.Take(5))}); {room.CheckHomes(release)}; leftovers: {string.Join(", ", room.DataDirLeftovers())}"];
    }

    /// <summary>A last push nobody kills (a repeat push); then every student must be on it.</summary>
    private static async Task<HomeReport> FinalPushAsync(CrashClassroom room, Random random, int n, Func<Task> push)
    {
        await EditSomeAsync(room, random, n);
        room.WriteRelease(n);
        await push();
        var release = room.LatestRelease();
        room.Recorded(release, n);
        await CrashClassroom.WaitUntilAsync(() => room.DeliveredReleases().Values.All(r => r == release), Recovery);
        return room.CheckHomes(release);
    }

    private static async Task WebPushAsync(CrashClassroom room, Browser staff, int n)
    {
        await staff.GetAsync($"/hub/courses/{room.Course}");
        var (response, body) = await staff.PostFileAsync($"/hub/courses/{room.Course}/assignments/push", new Dictionary<string, string> { ["name"] = CrashClassroom.Assignment }, "zip", "hw.zip", room.ZipRelease(n));
        Assert.True(response.IsSuccessStatusCode, $"push {n}: {(int)response.StatusCode} {body}");
    }

    /// <summary>Preview then confirm a roster file on the course page; the confirm's status.</summary>
    private static async Task<HttpStatusCode> WebImportAsync(CrashClassroom room, Browser staff, string file)
    {
        await staff.GetAsync($"/hub/courses/{room.Course}");
        var (preview, plan) = await staff.PostFileAsync($"/hub/courses/{room.Course}/roster/preview", new Dictionary<string, string> { ["format"] = "auto" }, "file", "roster.csv", await File.ReadAllBytesAsync(file));
        if (preview.StatusCode != HttpStatusCode.OK)
        {
            return preview.StatusCode;
        }

        var upload = UploadField().Match(plan).Groups[1].Value;
        var (apply, _) = await staff.PostFormAsync($"/hub/courses/{room.Course}/roster/apply", new Dictionary<string, string> { ["upload"] = upload, ["format"] = "auto", ["drop_missing"] = "true", ["skip_invalid"] = "false" });
        return apply.StatusCode == HttpStatusCode.Redirect ? HttpStatusCode.OK : apply.StatusCode;
    }

    /// <summary>Roster A (students 0-19, sections X/Y) and roster B (students 5-24, sections swapped).</summary>
    private static (string A, string B) Rosters(CrashClassroom room)
    {
        var names = room.NewNames(25, unix: false);
        var a = Path.Combine(room.Scratch, "roster-a.csv");
        var b = Path.Combine(room.Scratch, "roster-b.csv");
        File.WriteAllLines(a, ["username,name,email,section", .. names.Take(20).Select((n, i) => $"{n},Student {n},{n}@example.edu,{(i % 2 == 0 ? "X" : "Y")}")]);
        File.WriteAllLines(b, ["username,name,email,section", .. names.Skip(5).Select((n, i) => $"{n},Student {n},{n}@example.edu,{(i % 2 == 0 ? "Y" : "X")}")]);
        return (a, b);
    }

    /// <summary>
    /// Waits until the user's server is ready and answers through the hub, or is stopped with no process of the user
    /// left; returns which, and a problem when neither happened (an orphaned server, or one the hub lost track of).
    /// </summary>
    private static async Task<(string Outcome, string? Problem)> SettleAsync(CrashClassroom room, string user, string token)
    {
        using var api = Api(room, token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
            var server = model["servers"]?[""];
            if (server is null && Processes(user).Count == 0)
            {
                return ("stopped", null);
            }

            if (server?["ready"]?.GetValue<bool>() == true)
            {
                using var status = await api.GetAsync($"/user/{user}/api/status");
                if (status.StatusCode == HttpStatusCode.OK && Processes(user).Count > 0)
                {
                    return ("running", null);
                }
            }

            last = $"server {server?.ToJsonString() ?? "none"}, processes of {user}: {string.Join(", ", Processes(user))}";
            await Task.Delay(250);
        }

        return ("unsettled", $"{user} neither running and reachable nor stopped after 60 s: {last}");
    }

    private static HttpClient Api(CrashClassroom room, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = room.Hub.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        return client;
    }

    /// <summary>The user's processes ("pid command"), zombies left out.</summary>
    private static List<string> Processes(string user)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                var uid = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                var state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
                if (uid is not null && uid == UidOf(user) && !state.Contains("zombie", StringComparison.Ordinal))
                {
                    found.Add($"{pid} {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()}");
                }
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }

        return found;
    }

    /// <summary>When the kills fell: before the release was recorded, during its delivery, or after the last student had it.</summary>
    private sealed class Phases
    {
        private int _beforeRelease;
        private int _midDelivery;
        private int _afterDelivery;

        public void Count(bool releaseRecorded, int studentsReached, int students)
        {
            if (!releaseRecorded)
            {
                _beforeRelease++;
            }
            else if (studentsReached < students)
            {
                _midDelivery++;
            }
            else
            {
                _afterDelivery++;
            }
        }

        public override string ToString() => $"{_beforeRelease} before the release was recorded, {_midDelivery} mid-delivery, {_afterDelivery} after the last student had it";
    }

    private static string? UidOf(string user) =>
        File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == user)?[2];

    private static string Progress(string page) => string.Join(" | ", ProgressLine().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));

    [GeneratedRegex("<p class=\"status\" role=\"status\" data-delivery[^>]*>(.*?)</p>")]
    private static partial Regex ProgressLine();

    [GeneratedRegex("name=\"upload\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex UploadField();
}
