using System.Text;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Cli;

/// <summary>
/// Many CLI processes (the AOT binary) against one data dir at once, as a script or several TAs over SSH would run
/// them: they wait their turn for SQLite's write lock instead of dying with "database is locked" and a stack trace.
/// </summary>
public sealed class ConcurrentCliTests : IDisposable
{
    private const int Processes = 16;

    // Big enough that the imports queue behind each other for longer than the hub's own 10 s busy timeout (each holds
    // the write lock ~0.7 s here; with that timeout 5 of 16 died).
    private const int Rows = 6_000;

    private readonly HubProcess _state = HubProcess.Create();

    [Fact]
    public async Task SixteenRosterImportsAtOnce_AllApplied_NoneWithAStackTrace()
    {
        for (var i = 0; i < Processes; i++)
        {
            Assert.Equal(0, (await _state.CliAsync("course", "create", $"k{i}", "--title", $"Course {i}")).ExitCode);
        }

        var file = Path.Combine(_state.DataDir, "roster.csv");
        await File.WriteAllTextAsync(file, "Username,Name,Email\n" + string.Concat(Enumerable.Range(1, Rows).Select(i => $"stu{i},Student {i},stu{i}@example.edu\n")), Encoding.UTF8);

        var results = await Task.WhenAll(Enumerable.Range(0, Processes).Select(i => _state.CliAsync("roster", "import", $"k{i}", file)));

        var traces = results.Where(r => r.Stderr.Contains("   at ", StringComparison.Ordinal) || r.Stderr.Contains("Unhandled exception", StringComparison.Ordinal)).ToList();
        Assert.True(traces.Count == 0, $"{traces.Count} of {Processes} printed a stack trace:\n{string.Join("\n---\n", traces.Select(t => t.Stderr))}");
        var failed = results.Where(r => r.ExitCode != 0).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {Processes} failed:\n{string.Join("\n", failed.Select(f => f.Stderr.Trim()))}");
        for (var i = 0; i < Processes; i++)
        {
            var roster = await _state.CliAsync("roster", "list", $"k{i}", "--json");
            Assert.Equal(Rows, JsonNode.Parse(roster.Stdout)!.AsArray().Count);
        }
    }

    public void Dispose() => Directory.Delete(_state.DataDir, recursive: true);
}
