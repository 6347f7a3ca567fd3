using Classhub.Spawning.Processes;

namespace Classhub.Spawning.Tests.Slurm;

/// <summary>
/// A process runner that records every call (program, arguments, stdin) and answers Slurm's commands with scripted
/// output, keyed by program name; unknown programs exit 1.
/// </summary>
internal sealed class ScriptedSlurmCommands : IProcessRunner
{
    private readonly Dictionary<string, Queue<ProcessResult>> _answers = new(StringComparer.Ordinal);

    public List<(string File, IReadOnlyList<string> Arguments, string StandardInput)> Calls { get; } = [];

    public ScriptedSlurmCommands Answer(string program, string stdout, int exitCode = 0, string stderr = "")
    {
        if (!_answers.TryGetValue(program, out var queue))
        {
            _answers[program] = queue = new Queue<ProcessResult>();
        }

        queue.Enqueue(new ProcessResult(exitCode, stdout, stderr));
        return this;
    }

    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(fileName, arguments, "", cancellationToken);

    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string standardInput, CancellationToken cancellationToken)
    {
        Calls.Add((fileName, arguments, standardInput));
        return Task.FromResult(_answers.TryGetValue(fileName, out var queue) && queue.Count > 0 ? queue.Dequeue() : new ProcessResult(1, "", $"{fileName}: not scripted"));
    }
}
