using System.Runtime.CompilerServices;
using System.Text.Json;
using Classhub.Cli;

namespace Classhub.Tests.Cli;

/// <summary>Tests that swap Console.Out run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>Runs the real command line in-process against a temp data dir and captures what it prints.</summary>
internal sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        DataDir = Directory.CreateTempSubdirectory("classhub-cli-").FullName;
    }

    public string DataDir { get; }

    public (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var exit = CommandLine.Build().Run(["--data-dir", DataDir, .. args]);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    public JsonElement Json(params string[] args)
    {
        var (_, output, err) = Run(args);
        try
        {
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"not JSON: {output}\n{err}", e);
        }
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(DataDir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static string Sample(string name, [CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "Classhub.Hub.Tests", "Courses", "Roster", "Samples", name));

    public static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
