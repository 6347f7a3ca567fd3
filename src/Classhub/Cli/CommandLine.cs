using System.CommandLine;
using Classhub.Configuration;
using Classhub.Storage.Database;

namespace Classhub.Cli;

/// <summary>
/// The root command and its subcommands; exit 0 ok, 1 failed, 2 usage. Whatever a command throws ends here, as one
/// line on stderr and exit 1, never a .NET stack trace: a full disk, a read-only or foreign data dir and a database
/// that stayed locked are named with their fix (<see cref="StorageFailure"/>); anything else is reported as a bug.
/// </summary>
internal sealed class CommandLine(RootCommand root)
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static CommandLine Build()
    {
        var root = new RootCommand("classhub: a classroom hub for Jupyter. Sign-in, per-student servers, proxy, courses.");
        root.Options.Add(CommonOptions.DataDir);
        root.Options.Add(CommonOptions.Dev);
        root.Options.Add(ConfigLocation.Option);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(UserCommands.Create());
        root.Subcommands.Add(TokenCommands.Create());
        root.Subcommands.Add(CourseCommands.Create());
        root.Subcommands.Add(RosterCommands.Create());
        root.Subcommands.Add(AssignmentCommands.Create());
        root.Subcommands.Add(GradeCommands.Create());
        root.Subcommands.Add(ConfigCommands.Create());
        root.Subcommands.Add(UninstallCommand.Create());
        root.Subcommands.Add(DatasetCommands.Create());
        root.Subcommands.Add(KernelCommands.Create());
        return new CommandLine(root);
    }

    public int Run(string[] args)
    {
        if (InternalCommand.Matches(args))
        {
            return InternalCommand.Run(args);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"classhub: {error.Message}");
            }

            Console.Error.WriteLine("Run 'classhub --help' (or 'classhub COMMAND --help') for usage.");
            return Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // the one top-level handler: whatever a command throws becomes one line and exit 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"{CommandPath(parsed)}: {Describe(parsed, e)}");
            return Failed;
        }
    }

    /// <summary>One line for what went wrong: the storage failure with its fix, else the exception as a bug to report.</summary>
    internal static string Describe(ParseResult parsed, Exception e)
    {
        if (StorageFailure.Of(e, DataDirOrDefault(parsed)) is { } failure)
        {
            return failure.UserMessage;
        }

        var message = e is OperationCanceledException ? "interrupted; nothing more was done" : $"unexpected error ({e.GetType().Name}: {e.Message}); this is a bug, please report it with the command you ran";
        return message.ReplaceLineEndings(" ");
    }

    private static string DataDirOrDefault(ParseResult parsed)
    {
        try
        {
            return DataDirectory.Resolve(parsed);
        }
#pragma warning disable CA1031 // only for the message: an unreadable configuration must not hide the first failure
        catch (Exception)
#pragma warning restore CA1031
        {
            return "the data directory";
        }
    }

    /// <summary>"classhub roster import", for the start of the line.</summary>
    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "classhub" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
