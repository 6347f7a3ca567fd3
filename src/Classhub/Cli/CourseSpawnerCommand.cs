using System.CommandLine;
using Classhub.Core.Courses;
using Classhub.Spawning.Slurm;
using Classhub.Storage.Courses;

namespace Classhub.Cli;

/// <summary><c>classhub course set COURSE --spawner slurm|local-process|default [--slurm-*]</c>: where a course's servers run.</summary>
internal static class CourseSpawnerCommand
{
    public static readonly string[] Kinds = ["default", "local-process", "slurm"];

    public static Command Create()
    {
        var id = new Argument<string>("COURSE") { Description = "The course id" };
        var spawner = new Option<string>("--spawner") { Description = "Where the course's servers run: \"slurm\" (cluster jobs), \"local-process\", or \"default\" (the hub's spawner.kind)", Required = true };
        spawner.AcceptOnlyFromAmong(Kinds);
        var partition = new Option<string?>("--slurm-partition") { Description = "Slurm partition (default: slurm.partition)" };
        var timeLimit = new Option<string?>("--slurm-time-limit") { Description = "Slurm time limit, e.g. 4:00:00 (default: slurm.time_limit)" };
        var memory = new Option<string?>("--slurm-memory") { Description = "Memory per server, e.g. 4G (default: slurm.memory)" };
        var cpus = new Option<int?>("--slurm-cpus") { Description = "CPUs per server (default: slurm.cpus)" };
        var gpus = new Option<int?>("--slurm-gpus") { Description = "GPUs per server, as --gres=gpu:N (default: slurm.gpus)" };
        var command = new Command("set", "Choose where a course's servers run, and the cluster resources they get")
        {
            id, spawner, partition, timeLimit, memory, cpus, gpus,
        };
        command.SetAction(parsed =>
        {
            var courseId = parsed.GetValue(id)!.Trim();
            if (CourseId.Problem(courseId) is { } problem)
            {
                return CourseCommands.Fail($"course set: {problem}");
            }

            var kind = parsed.GetValue(spawner)!;
            var job = new SlurmJobSettings(parsed.GetValue(partition) ?? "", parsed.GetValue(timeLimit) ?? "", parsed.GetValue(memory) ?? "", parsed.GetValue(cpus) ?? 0, parsed.GetValue(gpus) ?? 0);
            if (job.Problem() is { } jobProblem)
            {
                return CourseCommands.Fail($"course set: {jobProblem}");
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var row = new CourseSpawnerRow
            {
                CourseId = courseId,
                Spawner = kind == "default" ? null : kind,
                Partition = NullIfEmpty(job.Partition),
                TimeLimit = NullIfEmpty(job.TimeLimit),
                Memory = NullIfEmpty(job.Memory),
                Cpus = job.Cpus > 0 ? job.Cpus : null,
                Gpus = job.Gpus > 0 ? job.Gpus : null,
            };
            if (!new CourseSpawnerStore(state.Database).Set(row))
            {
                return CourseCommands.Fail($"course set: there is no course '{courseId}'; create it with classhub course create {courseId} --title ...");
            }

            Console.WriteLine($"servers of {courseId} now run with the {kind} spawner (servers already running keep running where they are)");
            return CommandLine.Ok;
        });
        return command;
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
