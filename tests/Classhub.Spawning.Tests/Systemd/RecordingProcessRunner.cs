using System.Collections.Concurrent;
using Classhub.Spawning.Processes;

namespace Classhub.Spawning.Tests.Systemd;

/// <summary>
/// Records every systemd-run/systemctl call and answers it from a script instead of running it; any other program
/// (useradd) really runs, so accounts are real.
/// </summary>
internal sealed class RecordingProcessRunner : IProcessRunner
{
    private readonly ProcessRunner _real = new();

    public ConcurrentQueue<(string FileName, IReadOnlyList<string> Arguments)> Calls { get; } = new();

    /// <summary>What <c>systemctl show</c> prints (KEY=VALUE lines); changed by tests to simulate the unit's life.</summary>
    public string ShowOutput { get; set; } = "LoadState=not-found\nActiveState=inactive\nSubState=dead\nExecMainStatus=0\nMainPID=0\nResult=success\n";

    public int ShowExitCode { get; set; }

    public ProcessResult SystemdRunResult { get; set; } = new(0, "", "");

    /// <summary>Called after each systemctl stop/kill so a test can make the unit go away.</summary>
    public Action<IReadOnlyList<string>>? OnSystemctl { get; set; }

    public IEnumerable<IReadOnlyList<string>> CallsTo(string program) =>
        Calls.Where(c => Path.GetFileName(c.FileName) == program).Select(c => c.Arguments);

    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        Calls.Enqueue((fileName, arguments.ToList()));
        switch (Path.GetFileName(fileName))
        {
            case "systemd-run":
                return Task.FromResult(SystemdRunResult);
            case "systemctl":
                if (arguments[0] == "show")
                {
                    return Task.FromResult(new ProcessResult(ShowExitCode, ShowExitCode == 0 ? ShowOutput : "", ShowExitCode == 0 ? "" : "Failed to connect to bus"));
                }

                OnSystemctl?.Invoke(arguments);
                return Task.FromResult(new ProcessResult(0, "", ""));
            default:
                return _real.RunAsync(fileName, arguments, cancellationToken);
        }
    }

    /// <summary>The systemd spawner hands nothing on stdin; anything that does is run for real.</summary>
    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string standardInput, CancellationToken cancellationToken) =>
        _real.RunAsync(fileName, arguments, standardInput, cancellationToken);
}
