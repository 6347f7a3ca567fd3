using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Classhub.EndToEnd.Tests;
using Classhub.Storage.Database;
using Microsoft.Data.Sqlite;

namespace Classhub.Recovery.Tests;

/// <summary>
/// A course of real Unix students on a hub run from the AOT binary, which the crash tests kill and restart: the
/// assignment a test pushes (30 files in three folders, every file changed in every release), the edits students
/// make, and what a student's home must hold afterwards. The hub's database is read directly (read-only queries).
/// </summary>
internal sealed partial class CrashClassroom : IAsyncDisposable
{
    public const string Assignment = "hw";
    public const string StaffPassword = "staff password";

    private static readonly string[] Folders = ["", "data/", "lib/"];

    private readonly List<string> _unixUsers = [];
    private readonly StringBuilder _previousOutput = new();

    // (student, path) -> the text the student wrote: those files are the student's, every later release goes beside.
    private readonly Dictionary<(string Student, string Path), string> _edits = [];

    // release number -> the push (iteration) whose content it holds.
    private readonly Dictionary<int, int> _releaseContent = [];

    private CrashClassroom(string dataDir, int port)
    {
        DataDir = dataDir;
        Port = port;
        Course = "c" + Guid.NewGuid().ToString("N")[..8];
        Source = Directory.CreateTempSubdirectory("crash-source-").FullName;
        Scratch = Directory.CreateTempSubdirectory("crash-scratch-").FullName;
        Database = new HubDatabase(Path.Combine(dataDir, "classhub.db"));
    }

    public string DataDir { get; }

    public int Port { get; }

    public string Course { get; }

    public string Source { get; }

    /// <summary>A folder for a test's own files (roster files, other pushes), removed with the classroom.</summary>
    public string Scratch { get; }

    public HubDatabase Database { get; }

    public HubProcess Hub { get; private set; } = null!;

    public IReadOnlyList<string> Students { get; private set; } = [];

    public string Staff { get; private set; } = "";

    public static IEnumerable<string> Paths => Folders.SelectMany(folder => Enumerable.Range(0, 10).Select(i => folder switch
    {
        "" => $"nb{i:00}.ipynb",
        "data/" => $"data/d{i:00}.csv",
        _ => $"lib/m{i:00}.py",
    }));

    /// <summary>A running hub (on <paramref name="dataDir"/>, default a new temporary folder) with a course of <paramref name="students"/> students (roster import) and a TA who can sign in.</summary>
    public static async Task<CrashClassroom> StartAsync(int students, string? dataDir = null)
    {
        var first = HubProcess.Create(dataDir);
        var room = new CrashClassroom(first.DataDir, first.Port) { Hub = first };
        await first.StartAsync();
        room.Students = Enumerable.Range(0, students).Select(_ => UnixUsers.NewName("cr")).ToList();
        room._unixUsers.AddRange(room.Students);
        room.Staff = UnixUsers.NewName("crta");
        room._unixUsers.Add(room.Staff);
        await room.CliOkAsync("course", "create", room.Course, "--title", "Crash course");
        if (students > 0)
        {
            var csv = Path.Combine(room.DataDir, "roster.csv");
            File.WriteAllLines(csv, ["username,name,email", .. room.Students.Select(s => $"{s},Student {s},{s}@example.edu")]);
            await room.CliOkAsync("roster", "import", room.Course, csv);
            File.Delete(csv);
        }

        var added = await room.Hub.RunCliAsync(StaffPassword, "user", "add", room.Staff, "--password-stdin");
        Assert.True(added.ExitCode == 0, added.Stderr);
        await room.CliOkAsync("course", "staff", "add", room.Course, room.Staff, "--role", "ta");
        return room;
    }

    /// <summary>
    /// New user names (for roster files, or for users a test adds); when <paramref name="unix"/>, the test will make
    /// them Unix accounts too (a server start, a delivery) and they are removed with the classroom.
    /// </summary>
    public IReadOnlyList<string> NewNames(int count, bool unix = true)
    {
        var names = Enumerable.Range(0, count).Select(_ => UnixUsers.NewName("cr")).ToList();
        if (unix)
        {
            _unixUsers.AddRange(names);
        }

        return names;
    }

    public async Task<CliResult> CliOkAsync(params string[] args)
    {
        var result = await Hub.CliAsync(args);
        Assert.True(result.ExitCode == 0, $"classhub {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    /// <summary>Starts the CLI (against this data dir) without waiting, so a test can kill it; its output is drained.</summary>
    public Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo(HubProcess.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(DataDir);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGKILL; true when the process was still running (a real kill), false when it had finished.</summary>
    public static bool Kill(Process process)
    {
        if (process.HasExited)
        {
            return false;
        }

        process.Kill(entireProcessTree: false);
        process.WaitForExit();
        return process.ExitCode != 0;
    }

    /// <summary>Kills the hub (SIGKILL, or SIGTERM as systemd's stop) and starts a new one on the same data dir and port.</summary>
    public async Task<bool> KillAndRestartHubAsync(bool sigterm = false)
    {
        var wasRunning = Hub.Pid is { } pid && !Process.GetProcessById(pid).HasExited;
        if (sigterm)
        {
            await Hub.StopAsync();
        }
        else
        {
            Hub.KillHard();
        }

        _previousOutput.Append(Hub.Output);
        Hub = HubProcess.Create(DataDir, Port);
        await Hub.StartAsync();
        return wasRunning;
    }

    /// <summary>Writes push <paramref name="push"/> into <see cref="Source"/>: every file's text changes with each push; half the files keep their size.</summary>
    public void WriteRelease(int push)
    {
        foreach (var path in Paths)
        {
            var full = Path.Combine(Source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, Content(push, path));
        }
    }

    /// <summary>The same files as a zip (top folder "hw/", as a zipped folder has).</summary>
    public byte[] ZipRelease(int push)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var path in Paths)
            {
                using var writer = new StreamWriter(zip.CreateEntry($"hw/{path}", CompressionLevel.Fastest).Open());
                writer.Write(Content(push, path));
            }
        }

        return buffer.ToArray();
    }

    public static string Content(int push, string path)
    {
        var index = Paths.ToList().IndexOf(path);
        var head = $"push {push} of {path}\n";
        var size = 2_000 + (index * 1_500) + (index % 2 == 0 ? 0 : (push % 3) * 97);
        return head + new string((char)('a' + (push % 26)), Math.Max(0, size - head.Length));
    }

    /// <summary>The student overwrites a delivered file (as themselves) with text no release has: from now on it is theirs.</summary>
    public async Task EditAsync(string student, string path, string text)
    {
        var file = Path.Combine(AssignmentFolder(student), path);
        var run = await RunAsync("runuser", "-u", student, "--", "sh", "-c", "printf %s \"$1\" > \"$2\"", "sh", text, file);
        Assert.True(run.ExitCode == 0, $"editing {file} as {student}: {run.Stderr}");
        _edits[(student, path)] = text;
    }

    /// <summary>Notes that release <paramref name="release"/> (when it was recorded) holds push <paramref name="push"/>.</summary>
    public void Recorded(int release, int push) => _releaseContent[release] = push;

    /// <summary>After a kill: a release not seen before is the one the killed push made.</summary>
    public void RecordedIfNew(int release, int push) => _releaseContent.TryAdd(release, push);

    public string AssignmentFolder(string student) => Path.Combine("/home", student, Course, Assignment);

    /// <summary>Students whose first file already holds push <paramref name="push"/>: how far a delivery got.</summary>
    public int StudentsHolding(int push)
    {
        var want = Content(push, "nb00.ipynb");
        return Students.Count(s =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(AssignmentFolder(s), "nb00.ipynb")) == want;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });
    }

    public int LatestRelease() =>
        (int)Query("SELECT COALESCE(MAX(latest_release), 0) FROM assignments WHERE course_id = $course AND name = $assignment", r => r.GetInt64(0)).Single();

    /// <summary>Each student's recorded release (0: none, or only a failed delivery).</summary>
    public IReadOnlyDictionary<string, int> DeliveredReleases()
    {
        var rows = Query(
            "SELECT u.name, d.release FROM assignment_deliveries d JOIN users u ON u.id = d.user_id WHERE d.course_id = $course AND d.name = $assignment AND d.error IS NULL",
            r => (Name: r.GetString(0), Release: (int)r.GetInt64(1))).ToDictionary(r => r.Name, r => r.Release, StringComparer.Ordinal);
        return Students.ToDictionary(s => s, s => rows.GetValueOrDefault(s), StringComparer.Ordinal);
    }

    public string IntegrityCheck() => string.Join("; ", Query("PRAGMA integrity_check", r => r.GetString(0)));

    /// <summary>Active students and their sections, sorted: the roster's state.</summary>
    public string RosterState() => string.Join(",", Query(
        "SELECT u.name, m.section FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.course_id = $course AND m.role = 'student' AND m.status = 'active' ORDER BY u.name",
        r => $"{r.GetString(0)}:{(r.IsDBNull(1) ? "" : r.GetString(1))}"));

    /// <summary>Runs a query on the hub's database with $course and $assignment bound.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var c = Database.Open();
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$course", Course);
        command.Parameters.AddWithValue("$assignment", Assignment);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Temporary and staging files the hub or the CLI left in the data dir (pending roster previews are not: they wait for a confirmation).</summary>
    public IReadOnlyList<string> DataDirLeftovers()
    {
        var found = new List<string>();
        foreach (var folder in new[] { "staging", "uploads", "downloads" })
        {
            var dir = Path.Combine(DataDir, folder);
            if (Directory.Exists(dir))
            {
                found.AddRange(Directory.EnumerateFileSystemEntries(dir).Where(e => !RosterUpload().IsMatch(Path.GetFileName(e))).Select(e => Path.GetRelativePath(DataDir, e)));
            }
        }

        var assignments = Path.Combine(DataDir, "assignments");
        if (Directory.Exists(assignments))
        {
            found.AddRange(Directory.EnumerateFileSystemEntries(assignments, "staging-*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(DataDir, e)));
        }

        return found;
    }

    /// <summary>
    /// What the students' homes hold against release <paramref name="release"/>: who is not on it (a file the student
    /// never edited that is not the release's, or an edit lost), how many "(release N)" copies stand beside files the
    /// student never edited, and the hub's temporary files.
    /// </summary>
    public HomeReport CheckHomes(int release)
    {
        var push = _releaseContent[release];
        var desynchronised = new List<string>();
        var spurious = new List<string>();
        var temporary = new List<string>();
        foreach (var student in Students)
        {
            var root = AssignmentFolder(student);
            var problems = new List<string>();
            foreach (var path in Paths)
            {
                var file = Path.Combine(root, path);
                var text = File.Exists(file) ? File.ReadAllText(file) : null;
                var want = _edits.TryGetValue((student, path), out var edit) ? edit : Content(push, path);
                if (text != want)
                {
                    problems.Add($"{path}: {(text is null ? "missing" : edit is not null ? "the student's edit was lost" : "not release " + release)}");
                }
            }

            if (problems.Count > 0)
            {
                desynchronised.Add($"{student}: {string.Join(", ", problems.Take(3))}{(problems.Count > 3 ? $" (+{problems.Count - 3})" : "")}");
            }

            if (Directory.Exists(root))
            {
                foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(root, file);
                    var name = Path.GetFileName(file);
                    if (name.StartsWith(".classhub-", StringComparison.Ordinal))
                    {
                        temporary.Add($"{student}/{relative}");
                    }
                    else if (Beside().IsMatch(name) && !_edits.ContainsKey((student, Beside().Replace(relative, ""))))
                    {
                        spurious.Add($"{student}/{relative}");
                    }
                }
            }
        }

        return new HomeReport(desynchronised, spurious, temporary);
    }

    /// <summary>Polls <paramref name="done"/> until it holds or <paramref name="timeout"/> passes; false on timeout.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan timeout, int pollMilliseconds = 100)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (done())
            {
                return true;
            }

            await Task.Delay(pollMilliseconds);
        }

        return done();
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await UnixUsers.RemoveAsync(_unixUsers);
        foreach (var user in _unixUsers)
        {
            var tree = $"/run/classhub/datasets/{user}";
            if (Directory.Exists(tree))
            {
                await UnixUsers.RunAsync("umount", "--recursive", "--lazy", tree);
                Directory.Delete(tree, recursive: true);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
        Directory.Delete(Source, recursive: true);
        Directory.Delete(Scratch, recursive: true);
    }

    public static async Task<CliResult> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>What every hub of this classroom printed, the killed ones first: for a failing test's message.</summary>
    public string HubOutput => _previousOutput + Hub.Output;

    [GeneratedRegex(@" \(release \d+(, \d+)?\)")]
    private static partial Regex Beside();

    [GeneratedRegex(@"^roster-.*\.csv$")]
    private static partial Regex RosterUpload();
}

/// <summary>What <see cref="CrashClassroom.CheckHomes"/> found; every list is empty when all is well.</summary>
internal sealed record HomeReport(IReadOnlyList<string> Desynchronised, IReadOnlyList<string> SpuriousCopies, IReadOnlyList<string> TemporaryFiles)
{
    public bool Clean => Desynchronised.Count == 0 && SpuriousCopies.Count == 0 && TemporaryFiles.Count == 0;

    public override string ToString() =>
        $"{Desynchronised.Count} students not on the release ({string.Join("; ", Desynchronised.Take(5))}), " +
        $"{SpuriousCopies.Count} spurious copies ({string.Join("; ", SpuriousCopies.Take(5))}), " +
        $"{TemporaryFiles.Count} temporary files ({string.Join("; ", TemporaryFiles.Take(5))})";
}
