using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Classhub.Testing.Hostile;

/// <summary>What a command run as the student printed, and how it ended.</summary>
public sealed record StudentRun(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout.Trim()}; stderr: {Stderr.Trim()}";
}

/// <summary>
/// A real Unix account (made with <c>useradd -m</c>) that plays a hostile student: it runs commands as that
/// account through <c>setpriv</c> (no capabilities, its own uid/gid/groups), outside any server of the hub, as SSH,
/// cron or a Slurm job would. Disposing kills its processes and removes the account and its home. Tests run as root.
/// </summary>
/// <remarks>Shared by the test projects (linked, not copied): the hostile-student suite of each layer uses it.</remarks>
public sealed class HostileStudent : IAsyncDisposable
{
    private readonly List<Process> _background = [];

    private HostileStudent(string name, uint uid, uint gid, string home)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        Home = home;
    }

    public string Name { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    public string Home { get; }

    /// <summary>Makes the account with useradd (home 0700 unless <paramref name="homeMode"/> says otherwise).</summary>
    public static async Task<HostileStudent> CreateAsync(string prefix = "hs", string homeMode = "0700")
    {
        var name = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var made = await RunAsRootAsync("/usr/sbin/useradd", "-m", "-s", "/bin/bash", "-K", "HOME_MODE=" + homeMode, name);
        if (!made.Succeeded)
        {
            throw new InvalidOperationException($"useradd {name}: {made}");
        }

        var uid = uint.Parse((await RunAsRootAsync("/usr/bin/id", "-u", name)).Stdout.Trim(), CultureInfo.InvariantCulture);
        var gid = uint.Parse((await RunAsRootAsync("/usr/bin/id", "-g", name)).Stdout.Trim(), CultureInfo.InvariantCulture);
        var home = (await RunAsRootAsync("/usr/bin/getent", "passwd", name)).Stdout.Trim().Split(':')[5];
        return new HostileStudent(name, uid, gid, home);
    }

    /// <summary>Wraps an existing account (one the hub created) so the test can act as it; disposing removes it too.</summary>
    public static async Task<HostileStudent> AdoptAsync(string name)
    {
        var entry = (await RunAsRootAsync("/usr/bin/getent", "passwd", name)).Stdout.Trim().Split(':');
        if (entry.Length < 7)
        {
            throw new InvalidOperationException($"no Unix account {name}");
        }

        return new HostileStudent(name, uint.Parse(entry[2], CultureInfo.InvariantCulture), uint.Parse(entry[3], CultureInfo.InvariantCulture), entry[5]);
    }

    /// <summary>Runs <paramref name="argv"/> as the student (uid, gid, supplementary groups; HOME set; cwd = home).</summary>
    public Task<StudentRun> RunAsync(params string[] argv) => RunAsRootAsync(AsStudent(argv), Home, stdin: null);

    /// <summary>Runs a shell command line as the student.</summary>
    public Task<StudentRun> ShAsync(string script) => RunAsync("/bin/sh", "-c", script);

    /// <summary>Runs a Python 3 program as the student, with <paramref name="args"/> as sys.argv[1:].</summary>
    public Task<StudentRun> PythonAsync(string program, params string[] args) => RunAsync(["/usr/bin/python3", "-c", program, .. args]);

    /// <summary>
    /// Starts, as the student, a process that races root: see <see cref="PathSwapper"/>. It runs until the test
    /// disposes it (or the student); <see cref="PathSwapper.StopAsync"/> returns how often it swapped.
    /// </summary>
    public async Task<PathSwapper> StartSwapperAsync(PathSwapper.Mode mode, string directory, string name, string linkTarget)
    {
        var start = StartInfo(AsStudent(["/usr/bin/python3", "-u", "-c", PathSwapper.Program, mode.ToString(), directory, name, linkTarget]), Home);
        var process = Process.Start(start)!;
        _background.Add(process);
        var swapper = new PathSwapper(process);
        await swapper.WaitReadyAsync();
        return swapper;
    }

    /// <summary>Writes a file as the student (so it is theirs), creating parent folders as the student.</summary>
    public async Task WriteFileAsync(string relativeToHome, string content)
    {
        var path = Path.Combine(Home, relativeToHome);
        var result = await PythonAsync(
            "import os,sys; p=sys.argv[1]; os.makedirs(os.path.dirname(p), exist_ok=True); open(p,'w').write(sys.argv[2])",
            path,
            content);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"writing {path} as {Name}: {result}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _background)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            p.Dispose();
        }

        await RunAsRootAsync("/usr/bin/pkill", "-KILL", "-u", Name);
        for (var i = 0; i < 50 && (await RunAsRootAsync("/usr/bin/pgrep", "-u", Name)).Succeeded; i++)
        {
            await Task.Delay(20);
        }

        await RunAsRootAsync("/usr/sbin/userdel", "-r", "-f", Name);
    }

    /// <summary>Runs a program as root (the test's own identity) and collects its output.</summary>
    public static Task<StudentRun> RunAsRootAsync(params string[] argv) => RunAsRootAsync(argv, workingDirectory: null, stdin: null);

    private static async Task<StudentRun> RunAsRootAsync(IReadOnlyList<string> argv, string? workingDirectory, string? stdin)
    {
        using var process = Process.Start(StartInfo(argv, workingDirectory))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new StudentRun(process.ExitCode, await stdout, await stderr);
    }

    private string[] AsStudent(IReadOnlyList<string> argv) =>
    [
        "/usr/bin/setpriv", $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--inh-caps=-all", "--",
        "/usr/bin/env", "-i", $"HOME={Home}", $"USER={Name}", $"LOGNAME={Name}", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
        .. argv,
    ];

    private static ProcessStartInfo StartInfo(IReadOnlyList<string> argv, string? workingDirectory)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }
}
