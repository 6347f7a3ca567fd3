using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// The AOT-published <c>classhub</c> binary run as a real process (as root, like the appliance), on a free
/// loopback port and its own state directory. Also runs the CLI against the same state directory.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private HubProcess(string dataDir, int port, string host)
    {
        DataDir = dataDir;
        Port = port;
        Host = host;
    }

    public string DataDir { get; }

    public int Port { get; }

    /// <summary>The address the hub is reached at (loopback unless the test listens elsewhere).</summary>
    public string Host { get; }

    public Uri Url => new($"http://{Host}:{Port}");

    public int? Pid => _process?.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string Binary
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("CLASSHUB_BINARY") is { Length: > 0 } env
                ? env
                : Path.Combine(RepoRoot, "artifacts", "classhub");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"the AOT binary {path} does not exist: run ./build.sh publish (./build.sh test does it)");
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Appliance.sln)");
        }
    }

    /// <summary>A new state directory and port; the hub is not started yet.</summary>
    public static HubProcess Create(string? dataDir = null, int? port = null, string host = "127.0.0.1")
    {
        var dir = dataDir ?? Directory.CreateTempSubdirectory("classhub-e2e-").FullName;
        return new HubProcess(dir, port ?? FreePort(), host);
    }

    /// <summary>A loopback port nobody listens on, never the same twice in one test run (the kernel may reuse one).</summary>
    public static int FreePort() => Acme.Tests.Infrastructure.FreePort.Next();

    /// <summary>Starts <c>classhub serve</c> with plain HTTP on <see cref="Url"/> and waits until /hub/health answers 200.</summary>
    public Task StartAsync(params string[] extraArgs) =>
        LaunchAsync(["serve", "--data-dir", DataDir, "--urls", Url.ToString().TrimEnd('/'), .. extraArgs]);

    /// <summary>Starts <c>classhub serve --data-dir DIR</c> with exactly these further arguments (its own --urls, which must reach <see cref="Url"/>).</summary>
    public Task StartWithAsync(params string[] args) =>
        LaunchAsync(["serve", "--data-dir", DataDir, .. args]);

    /// <summary>Starts <c>classhub serve</c> with a configuration file only (its listen addresses; <see cref="Url"/> must be its hub.internal_url).</summary>
    public Task StartConfiguredAsync(string configPath) =>
        LaunchAsync(["serve", "--data-dir", DataDir, "--config", configPath]);

    private async Task LaunchAsync(string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            // As under systemd: nothing may depend on (or scan) the directory the hub happens to be started from.
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"classhub serve exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Url, "/hub/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"classhub did not become healthy:\n{Output}");
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would.</summary>
    public void KillHard()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: false);
            p.WaitForExit();
        }
    }

    /// <summary>SIGTERM and wait, as systemd's stop would.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await p.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Runs the classhub CLI against this hub's state directory.</summary>
    public Task<CliResult> CliAsync(params string[] args) => RunCliAsync(null, args);

    public async Task<CliResult> RunCliAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(DataDir);
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }

        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string LastLine => Stdout.TrimEnd().Split('\n')[^1].Trim();
}
