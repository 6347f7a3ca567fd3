using Classhub.Cli;
using Classhub.Testing.Mounts;

namespace Classhub.Tests.Cli;

/// <summary>The top-level handler: whatever a command throws is one line on stderr and exit 1, never a stack trace.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandLineTests
{
    [Fact]
    public void Run_DataDirOnAFullDisk_OneLineNamingTheFolderExit1()
    {
        using var disk = ScratchMount.Tmpfs(2);
        Assert.Equal(0, Run(disk.Path, "course", "create", "cs101", "--title", "Intro").Exit);
        disk.Fill();

        var (exit, _, err) = Run(disk.Path, "course", "create", "cs102", "--title", "More");

        Assert.Equal(CommandLine.Failed, exit);
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith($"classhub course create: the disk holding {disk.Path} is full", line, StringComparison.Ordinal);
        Assert.Contains($"df -h {disk.Path}", line, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Run_DataDirReadOnly_OneLineSayingReadOnlyExit1()
    {
        var source = Directory.CreateTempSubdirectory("classhub-cli-ro-").FullName;
        Assert.Equal(0, Run(source, "course", "create", "cs101", "--title", "Intro").Exit);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var view = ScratchMount.ReadOnlyView(source))
        {
            var (exit, _, err) = Run(view.Path, "course", "create", "cs102", "--title", "More");

            Assert.Equal(CommandLine.Failed, exit);
            var line = Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Equal($"classhub course create: {view.Path} is on a read-only file system; remount it read-write (mount -o remount,rw), or point classhub at a writable folder (--data-dir, or data_dir in the configuration)", line);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public void Describe_ABug_OneLineWithTheExceptionAndNoTrace()
    {
        var thrown = new InvalidOperationException("line one\nline two");

        var line = CommandLine.Describe(new System.CommandLine.RootCommand().Parse(Array.Empty<string>()), thrown);

        Assert.Equal("unexpected error (InvalidOperationException: line one line two); this is a bug, please report it with the command you ran", line);
    }

    private static (int Exit, string Out, string Err) Run(string dataDir, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (CommandLine.Build().Run(["--data-dir", dataDir, .. args]), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
