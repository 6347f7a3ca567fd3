using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Classhub.Composition;
using Classhub.Configuration;
using Classhub.Hub.Assignments;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Cli;

/// <summary><c>classhub assignment push|status|collect|return</c>: run in the CLI process against the shared database.</summary>
internal static class AssignmentCommands
{
    public static Command Create()
    {
        var assignment = new Command("assignment", "Push assignments to students, see who submitted, collect submissions, return feedback");
        assignment.Subcommands.Add(Push());
        assignment.Subcommands.Add(Status());
        assignment.Subcommands.Add(Collect());
        assignment.Subcommands.Add(Return());
        return assignment;
    }

    private static Command Push()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var dir = new Argument<string>("DIR") { Description = "The assignment folder (or a .zip of it)" };
        var name = new Option<string>("--name") { Description = "Assignment name (its folder name in ~/COURSE/)", Required = true };
        var section = new Option<string?>("--section") { Description = "Only students of this section" };
        var due = new Option<string?>("--due") { Description = "Due date with its offset, e.g. 2026-12-01T23:59:00+01:00" };
        var refuseLate = new Option<bool>("--refuse-late") { Description = "Refuse submissions after the due date (default: accept, marked late)" };
        var command = new Command("push", "Create the next release of an assignment and deliver it to every active student") { course, dir, name, section, due, refuseLate, CommonOptions.Json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            DateTimeOffset? dueAt = null;
            if (parsed.GetValue(due) is { Length: > 0 } dueText)
            {
                if (!DateTimeOffset.TryParse(dueText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsedDue) || !HasOffset(dueText))
                {
                    return CourseCommands.Fail($"assignment push: --due '{dueText}' is not a date with a time zone offset; write it like 2026-12-01T23:59:00+01:00");
                }

                dueAt = parsedDue;
            }

            var source = Path.GetFullPath(parsed.GetValue(dir)!);
            var isZip = File.Exists(source) && source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            if (!isZip && !Directory.Exists(source))
            {
                return CourseCommands.Fail($"assignment push: {source} is neither a folder nor a .zip file");
            }

            // This command's claim on the work it starts: if it is killed, a running (or the next) hub sees the claim
            // gone, removes its staging and finishes its deliveries.
            ProcessClaim claim;
            try
            {
                claim = ProcessClaim.Acquire(DataDirectory.Resolve(parsed));
            }
            catch (IOException e)
            {
                return CourseCommands.Fail(DiskFull.Is(e)
                    ? $"assignment {DiskFull.Message("push", DataDirectory.Resolve(parsed), "nothing was pushed", "push again")}"
                    : $"assignment push: {e.Message}; nothing was pushed");
            }

            using (claim)
            {
                return await PushAsync(parsed, claim, course, name, section, refuseLate, source, isZip, dueAt, cancellationToken);
            }
        });
        return command;
    }

    private static async Task<int> PushAsync(ParseResult parsed, ProcessClaim claim, Argument<string> course, Option<string> name, Option<string?> section, Option<bool> refuseLate, string source, bool isZip, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var json = parsed.GetValue(CommonOptions.Json);
        var parts = Parts.Open(parsed, claim);
        var pushedBy = "cli:" + (Environment.GetEnvironmentVariable("SUDO_USER") ?? Environment.UserName);
        var request = new PushRequest(parsed.GetValue(course)!, parsed.GetValue(name)!, source, isZip, parsed.GetValue(section), dueAt, parsed.GetValue(refuseLate) ? true : null, pushedBy);
        var published = parts.Publisher.Publish(request);
        if (!published.Ok)
        {
            return CourseCommands.Fail($"assignment {published.Failure.UserMessage}");
        }

        var release = published.Value;
        foreach (var warning in release.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        if (!json && !parts.OwnsPerUser)
        {
            Console.WriteLine($"development mode (not root): delivering into {Path.Combine(DataDirectory.Resolve(parsed), "homes")}/<user>/ instead of real homes");
        }

        if (!json)
        {
            Console.WriteLine($"release {release.Release} of {request.CourseId}/{request.Name}: {release.Files.Count} files, {release.Bytes} bytes; delivering");
        }

        var total = parts.Delivery.Pending(request.CourseId, request.Name).Count;
        var done = 0;
        var progress = new SyncProgress(o =>
        {
            done++;
            if (!json)
            {
                Console.WriteLine(o.Error is { } e
                    ? $"[{done}/{total}] {o.UserName}: FAILED: {e}"
                    : $"[{done}/{total}] {o.UserName}: {o.Written} written, {o.Unchanged} unchanged{(o.Conflicts.Count > 0 ? $", kept {o.Conflicts.Count} edited: " + string.Join("; ", o.Conflicts) : "")}");
            }
        });
        var outcomes = await parts.Delivery.RunAsync(request.CourseId, request.Name, progress, cancellationToken);
        if (json)
        {
            var model = new PushModel(request.CourseId, request.Name, release.Release, release.Files.Count, release.Bytes, release.Warnings, outcomes.OrderBy(o => o.UserName, StringComparer.Ordinal).Select(DeliveryModel.From).ToList());
            Console.WriteLine(JsonSerializer.Serialize(model, AssignmentJsonContext.Default.PushModel));
        }

        var failed = outcomes.Count(o => o.Error is not null);
        if (!json)
        {
            Console.WriteLine($"delivered release {release.Release} to {outcomes.Count - failed} of {outcomes.Count} students{(failed > 0 ? $"; {failed} failed (see above; the hub tries them again every few minutes)" : "")}");
        }

        return failed == 0 ? CommandLine.Ok : CommandLine.Failed;
    }

    private static Command Status()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var name = new Argument<string>("NAME") { Description = "Assignment name" };
        var command = new Command("status", "Per student: release delivered, conflicts, submission, feedback") { course, name, CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var parts = Parts.Open(parsed);
            var (courseId, assignment) = (parsed.GetValue(course)!, parsed.GetValue(name)!);
            if (parts.Assignments.Find(courseId, assignment) is null)
            {
                return CourseCommands.Fail($"assignment status: there is no assignment '{assignment}' in course '{courseId}'");
            }

            var rows = parts.Assignments.Status(courseId, assignment).Select(StudentStatusModel.From).ToList();
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, AssignmentJsonContext.Default.ListStudentStatusModel));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"USER",-20} {"RELEASE",-8} {"DELIVERED",-17} {"CONFLICTS",-9} {"SUBMITTED",-17} {"LATE",-5} FEEDBACK");
            foreach (var r in rows)
            {
                Console.WriteLine($"{r.User,-20} {(r.Release?.ToString(CultureInfo.InvariantCulture) ?? (r.DeliveryError is null ? "-" : "failed")),-8} {Time(r.DeliveredAt),-17} {r.Conflicts.Count,-9} {Time(r.SubmittedAt),-17} {(r.Late ? "yes" : ""),-5} {Time(r.FeedbackReturnedAt)}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Collect()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var name = new Argument<string>("NAME") { Description = "Assignment name" };
        var to = new Option<string>("--to") { Description = "Folder to write DIR/<student>/ into (created; DIR/<student> must not exist yet)", Required = true };
        var command = new Command("collect", "Copy each student's latest submission into DIR/<student>/ (folders 0700, files 0600, yours when run with sudo)") { course, name, to };
        command.SetAction(parsed =>
        {
            var parts = Parts.Open(parsed);
            var (courseId, assignment) = (parsed.GetValue(course)!, parsed.GetValue(name)!);
            if (parts.Assignments.Find(courseId, assignment) is null)
            {
                return CourseCommands.Fail($"assignment collect: there is no assignment '{assignment}' in course '{courseId}'");
            }

            var target = Path.GetFullPath(parsed.GetValue(to)!);
            var collected = SubmissionCollector.Collect(parts.Assignments.LatestSubmissions(courseId, assignment), target, SudoCaller.Owner);
            if (!collected.Ok)
            {
                return CourseCommands.Fail($"assignment {collected.Failure.UserMessage}");
            }

            foreach (var c in collected.Value)
            {
                var s = c.Submission;
                Console.WriteLine($"{s.UserName}: {c.Files} files, submitted {s.SubmittedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(s.Late ? " (late)" : "")}");
                foreach (var skipped in c.Skipped)
                {
                    Console.Error.WriteLine($"warning: {s.UserName}: left out {skipped}");
                }
            }

            Console.WriteLine($"collected {collected.Value.Count} submissions into {target}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Return()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var name = new Argument<string>("NAME") { Description = "Assignment name" };
        var from = new Option<string>("--from") { Description = "Folder holding DIR/<student>/ feedback files", Required = true };
        var command = new Command("return", "Place each student's feedback in ~/COURSE/NAME/feedback/") { course, name, from };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var parts = Parts.Open(parsed);
            var (courseId, assignment) = (parsed.GetValue(course)!, parsed.GetValue(name)!);
            if (parts.Assignments.Find(courseId, assignment) is null)
            {
                return CourseCommands.Fail($"assignment return: there is no assignment '{assignment}' in course '{courseId}'");
            }

            var source = Path.GetFullPath(parsed.GetValue(from)!);
            if (!Directory.Exists(source))
            {
                return CourseCommands.Fail($"assignment return: {source} is not a folder");
            }

            var outcomes = await parts.Feedback.ReturnAsync(courseId, assignment, source, SudoCaller.Owner?.Uid, cancellationToken);
            foreach (var o in outcomes)
            {
                Console.WriteLine(o.Error is { } e ? $"{o.UserName}: FAILED: {e}" : $"{o.UserName}: {o.Files.Count} feedback files");
                foreach (var skipped in o.Skipped)
                {
                    Console.Error.WriteLine($"warning: {o.UserName}: left out {skipped}");
                }
            }

            return outcomes.Any(o => o.Error is not null) ? CommandLine.Failed : CommandLine.Ok;
        });
        return command;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<DeliveryOutcome> report) : IProgress<DeliveryOutcome>
    {
        private readonly Lock _lock = new();

        public void Report(DeliveryOutcome value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }

    /// <summary>The assignment parts, composed for one CLI command; work it starts is marked with <paramref name="Claim"/> (a push's) or left to the hub.</summary>
    private sealed record Parts(AssignmentStore Assignments, CourseStore Courses, AssignmentPublisher Publisher, AssignmentDelivery Delivery, FeedbackReturner Feedback, bool OwnsPerUser)
    {
        public static Parts Open(ParseResult parsed, ProcessClaim? claim = null)
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var config = ConfigLocation.Load(parsed);
            var options = AssignmentHomes.Options(state.DataDir, config);
            var accounts = AssignmentHomes.Accounts(state, config, NullLoggerFactory.Instance);
            var store = new AssignmentStore(state.Database, TimeProvider.System);
            var tasks = new DeliveryTaskStore(state.Database, TimeProvider.System);
            var courses = CourseCommands.Courses(state);
            // Commands that do not push never use the publisher or the delivery, so they need no claim of their own.
            var owner = claim ?? ProcessClaim.ForHub();
            return new Parts(
                store,
                courses,
                new AssignmentPublisher(store, courses, options, new StagingArea(options, owner), owner),
                new AssignmentDelivery(store, tasks, courses, state.Users, accounts, options, owner, NullLogger<AssignmentDelivery>.Instance),
                new FeedbackReturner(store, courses, state.Users, accounts),
                accounts.OwnsPerUser);
        }
    }
}
