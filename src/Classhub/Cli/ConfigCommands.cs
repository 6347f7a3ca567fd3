using System.CommandLine;
using Classhub.Composition;
using Classhub.Configuration;

namespace Classhub.Cli;

/// <summary><c>classhub config get|set|check|default</c>: read and edit /etc/classhub/classhub.json, keeping its comments.</summary>
internal static class ConfigCommands
{
    public static Command Create()
    {
        var config = new Command("config", $"Read, change and check the configuration file (default {ConfigSchema.DefaultPath})");
        config.Subcommands.Add(Get());
        config.Subcommands.Add(Set());
        config.Subcommands.Add(Check());
        config.Subcommands.Add(Default());
        return config;
    }

    private static Command Get()
    {
        var key = new Argument<string>("KEY") { Description = "A key such as domain or tls.mode ('classhub config default' lists them all)" };
        var command = new Command("get", "Print a key's effective value") { key, CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var name = parsed.GetValue(key)!;
            if (ConfigSchema.Find(name) is null)
            {
                return Unknown(name);
            }

            var config = ConfigLocation.Load(parsed);
            Console.WriteLine(parsed.GetValue(CommonOptions.Json) ? config.Json(name) : config.Display(name));
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Set()
    {
        var key = new Argument<string>("KEY");
        var value = new Argument<string>("VALUE") { Description = "The new value; lists as a,b,c or JSON [\"a\",\"b\"]" };
        var command = new Command("set", "Change one key in the file (comments and layout are kept); the running hub reads it when restarted") { key, value };
        command.SetAction(parsed =>
        {
            var name = parsed.GetValue(key)!;
            if (ConfigSchema.Find(name) is not { } schemaKey)
            {
                return Unknown(name);
            }

            var (json, problem) = HubConfig.FromCommandLine(schemaKey, parsed.GetValue(value)!);
            if (json is null)
            {
                Console.Error.WriteLine($"classhub config set: {problem}");
                return CommandLine.Failed;
            }

            var path = ConfigLocation.PathOf(parsed);
            var before = File.Exists(path) ? File.ReadAllText(path) : DefaultConfigFile.Render();
            var after = JsoncEditor.Set(before, name, json);
            var check = HubConfig.Parse(path, after);
            if (check.Problems.Count > 0)
            {
                Report(check.Problems);
                Console.Error.WriteLine($"classhub config set: {path} was not changed");
                return CommandLine.Failed;
            }

            AtomicFile.Write(path, after);
            Console.WriteLine($"{name} = {check.Display(name)} (in {path}; restart classhub to apply: systemctl restart classhub)");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Check()
    {
        var command = new Command("check", "Validate the file; list every problem with its fix (exit 1 when there are problems)");
        command.SetAction(parsed =>
        {
            var path = ConfigLocation.PathOf(parsed);
            var config = ConfigLocation.Load(parsed);
            var problems = config.Problems.Concat(ServePlan.Validate(config)).ToList();
            if (problems.Count == 0)
            {
                // sign-in: methods, providers and where their secrets are (a throwaway registration).
                problems.AddRange(new ServiceCollection().AddSignIn(config));
            }

            if (problems.Count == 0)
            {
                Console.WriteLine(File.Exists(path) ? $"{path}: ok" : $"{path} does not exist: every key has its default (ok)");
                return CommandLine.Ok;
            }

            Report(problems);
            return CommandLine.Failed;
        });
        return command;
    }

    private static Command Default()
    {
        var command = new Command("default", "Print the documented default configuration file");
        command.SetAction(_ =>
        {
            Console.Write(DefaultConfigFile.Render());
            return CommandLine.Ok;
        });
        return command;
    }

    private static void Report(IEnumerable<ConfigProblem> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"classhub config: {problem}");
        }
    }

    private static int Unknown(string name)
    {
        var suggestion = ConfigSchema.Suggest(name);
        Console.Error.WriteLine($"classhub config: unknown key '{name}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")} ('classhub config default' lists every key)");
        return CommandLine.Failed;
    }
}
