using System.CommandLine;
using System.Text.Json;
using Classhub.Core.Datasets;
using Classhub.Hub.Datasets;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;

namespace Classhub.Cli;

/// <summary>
/// <c>classhub kernel add|list|remove</c>: registers an existing environment's interpreter as a Jupyter kernel for
/// everyone or one course (see <see cref="KernelPaths"/>); servers list it with no action by the student. Admins only:
/// there is no page or API for it, and the CLI needs the hub's data directory (root's own, mode 0700).
/// </summary>
internal static class KernelCommands
{
    public static Command Create()
    {
        var kernel = new Command("kernel", "Offer an existing Python environment as a Jupyter kernel to students");
        kernel.Subcommands.Add(Add());
        kernel.Subcommands.Add(List());
        kernel.Subcommands.Add(Remove());
        return kernel;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "Kernel name (a-z, 0-9, _ . -); its kernelspec is classhub-NAME" };
        var python = new Option<string>("--python") { Description = "The environment's interpreter, e.g. /opt/conda/envs/ds/bin/python", Required = true };
        var display = new Option<string?>("--display-name") { Description = "Name in the launcher (default: NAME)" };
        var course = new Option<string?>("--course") { Description = "Only for this course's active members (default: everyone)" };
        var command = new Command("add", "Register an environment's interpreter as a kernel") { name, python, display, course, CommonOptions.Json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var kernelName = parsed.GetValue(name)!.Trim();
            var doing = $"kernel add: registering kernel '{kernelName}'";
            if (DatasetName.Problem(kernelName, "kernel") is { } problem)
            {
                return CourseCommands.Fail($"{doing}: {problem}");
            }

            var interpreter = parsed.GetValue(python)!.Trim();
            if (!Path.IsPathFullyQualified(interpreter) || !ExecutableSearch.IsExecutable(interpreter))
            {
                return CourseCommands.Fail($"{doing}: --python '{interpreter}' is not an executable file given by its full path; give the environment's interpreter, e.g. /opt/conda/envs/ds/bin/python");
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courseId = parsed.GetValue(course)?.Trim();
            if (courseId is not null && CourseCommands.Courses(state).Find(courseId) is null)
            {
                return CourseCommands.Fail($"{doing}: there is no course '{courseId}' (see 'classhub course list')");
            }

            // Never as root: the "interpreter" may be any file someone left on the server (InterpreterCheck).
            if (await InterpreterCheck.ProblemAsync(new ProcessRunner(), interpreter, cancellationToken) is { } checkProblem)
            {
                return CourseCommands.Fail($"{doing}: {checkProblem}");
            }

            var displayName = parsed.GetValue(display) is { Length: > 0 } d ? d.Trim() : kernelName;
            var paths = Paths(state);
            var existing = DatasetCommands.Store(state).FindKernel(kernelName);
            KernelSpecWriter.Write(paths.SpecDir(kernelName, courseId), interpreter, displayName);
            if (existing is not null && existing.CourseId != courseId)
            {
                KernelSpecWriter.Remove(paths.SpecDir(kernelName, existing.CourseId));
            }

            DatasetCommands.Store(state).SaveKernel(kernelName, interpreter, displayName, courseId);
            var item = new KernelItem(kernelName, displayName, interpreter, courseId, paths.SpecDir(kernelName, courseId));
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(item, DatasetJsonContext.Default.KernelItem));
            }
            else
            {
                Console.WriteLine($"kernel {KernelPaths.Prefix}{kernelName} (\"{displayName}\") registered for {(courseId is null ? "everyone" : $"the members of {courseId}")} at {item.SpecDir}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List registered kernels") { CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var paths = Paths(state);
            var kernels = DatasetCommands.Store(state).Kernels().Select(k => new KernelItem(k.Name, k.DisplayName, k.Python, k.CourseId, paths.SpecDir(k.Name, k.CourseId))).ToList();
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(kernels, DatasetJsonContext.Default.ListKernelItem));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"NAME",-20} {"FOR",-16} {"PYTHON",-40} DISPLAY NAME");
            foreach (var k in kernels)
            {
                Console.WriteLine($"{k.Name,-20} {k.Course ?? "everyone",-16} {k.Python,-40} {k.DisplayName}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "Kernel name" };
        var command = new Command("remove", "Unregister a kernel (the environment itself is untouched)") { name };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var kernelName = parsed.GetValue(name)!.Trim();
            var store = DatasetCommands.Store(state);
            if (store.FindKernel(kernelName) is not { } kernel)
            {
                return CourseCommands.Fail($"kernel remove: there is no kernel '{kernelName}' (see 'classhub kernel list')");
            }

            KernelSpecWriter.Remove(Paths(state).SpecDir(kernel.Name, kernel.CourseId));
            store.RemoveKernel(kernelName);
            Console.WriteLine($"removed kernel {kernelName}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static KernelPaths Paths(HubState state) => KernelPaths.For(state.DataDir, UnixAccounts.IsRoot);
}
