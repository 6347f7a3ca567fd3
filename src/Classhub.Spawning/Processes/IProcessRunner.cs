namespace Classhub.Spawning.Processes;

/// <summary>
/// Runs a short-lived helper program (useradd, ...) to completion and captures its output. Injected so that no
/// component starts processes behind the composition root's back, and so tests can see what would be run.
/// </summary>
internal interface IProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> (no shell); cancellation kills it.</summary>
    Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="RunAsync(string, IReadOnlyList{string}, CancellationToken)"/>, writing <paramref name="standardInput"/>
    /// to the program's stdin first: the way to hand a program a secret (never on its command line).
    /// </summary>
    Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string standardInput, CancellationToken cancellationToken);
}

/// <summary>How a helper program ended.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
