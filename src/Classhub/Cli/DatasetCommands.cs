using System.CommandLine;
using System.Text.Json;
using Classhub.Configuration;
using Classhub.Core.Datasets;
using Classhub.Hub.Datasets;
using Classhub.Spawning.Unix;
using Classhub.Storage.Datasets;

namespace Classhub.Cli;

/// <summary>
/// <c>classhub dataset add|list|remove</c>. Only the database changes here; a running hub notices the commit and
/// mounts or unmounts the dataset in its students' running servers (see DatasetReconciler).
/// </summary>
internal static class DatasetCommands
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Share folders read-only with a course's students at ~/datasets/NAME");
        dataset.Subcommands.Add(Add());
        dataset.Subcommands.Add(List());
        dataset.Subcommands.Add(Remove());
        return dataset;
    }

    private static Command Add()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var name = new Argument<string>("NAME") { Description = "Name students see: ~/datasets/NAME (a-z, 0-9, _ . -; unique across courses)" };
        var path = new Argument<string>("PATH") { Description = "Existing folder on this server, outside students' homes and system folders (/etc, /root, /home, ...)" };
        var command = new Command("add", "Share a folder read-only with the course's active members") { course, name, path, CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courseId = parsed.GetValue(course)!.Trim();
            var datasetName = parsed.GetValue(name)!.Trim();
            // The CLI is an admin's door (it needs the data directory, root's own): any folder but the system ones.
            if (Catalog(state, parsed).Add(courseId, datasetName, parsed.GetValue(path)!.Trim(), byAdmin: true) is { } problem)
            {
                return CourseCommands.Fail($"dataset add: {problem}");
            }

            var added = Store(state).ForCourse(courseId).First(d => d.Name == datasetName);
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(Item(added), DatasetJsonContext.Default.DatasetItem));
            }
            else
            {
                Console.WriteLine($"added dataset {datasetName} to {courseId}: {added.Path} appears read-only at ~/datasets/{datasetName} for its active members (running servers too)");
            }

            if (!UnixAccounts.IsRoot)
            {
                Console.Error.WriteLine("warning: not root: servers get ~/datasets/NAME as a symlink, protected only by file permissions");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var course = new Argument<string?>("COURSE") { Description = "Course id (default: every course)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List datasets") { course, CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courseId = parsed.GetValue(course);
            var datasets = courseId is null ? Store(state).List() : Store(state).ForCourse(courseId);
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(datasets.Select(Item).ToList(), DatasetJsonContext.Default.ListDatasetItem));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"COURSE",-20} {"NAME",-20} PATH");
            foreach (var d in datasets)
            {
                Console.WriteLine($"{d.CourseId,-20} {d.Name,-20} {d.Path}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var name = new Argument<string>("NAME") { Description = "Dataset name" };
        var command = new Command("remove", "Stop sharing a dataset (it disappears from running servers; the folder is not touched)") { course, name };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courseId = parsed.GetValue(course)!.Trim();
            var datasetName = parsed.GetValue(name)!.Trim();
            if (Catalog(state, parsed).Remove(courseId, datasetName) is { } problem)
            {
                return CourseCommands.Fail($"dataset remove: {problem}");
            }

            Console.WriteLine($"removed dataset {datasetName} from {courseId} (the folder itself is untouched)");
            return CommandLine.Ok;
        });
        return command;
    }

    private static DatasetItem Item(Dataset d) => new(d.CourseId, d.Name, d.Path, $"~/datasets/{d.Name}", d.AddedAt);

    internal static DatasetStore Store(HubState state) => new(state.Database, TimeProvider.System);

    private static DatasetCatalog Catalog(HubState state, ParseResult parsed) =>
        new(Store(state), CourseCommands.Courses(state), user => UnixAccounts.FindByName(user)?.Home,
            new DatasetPolicy(ConfigLocation.Load(parsed).TextList("datasets.roots"), state.DataDir, DatasetDefaults.MountRoot));
}
