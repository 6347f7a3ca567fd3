using System.CommandLine;
using Classhub.Configuration;

namespace Classhub.Cli;

/// <summary>The root command and its subcommands; exit 0 ok, 1 failed, 2 usage.</summary>
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

        return parsed.Invoke();
    }
}
