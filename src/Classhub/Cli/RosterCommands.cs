using System.CommandLine;
using System.Text.Json;
using Classhub.Core.Courses;
using Classhub.Hub.Courses;
using Classhub.Hub.Courses.Roster;
using Classhub.Hub.Courses.RosterImport;
using Classhub.Storage.Courses;

namespace Classhub.Cli;

/// <summary><c>classhub roster import|list|invites</c>.</summary>
internal static class RosterCommands
{
    public static Command Create()
    {
        var roster = new Command("roster", "Import and list a course's roster, print invite links");
        roster.Subcommands.Add(Import());
        roster.Subcommands.Add(List());
        roster.Subcommands.Add(Invites());
        return roster;
    }

    private static Command Import()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var file = new Argument<string>("FILE") { Description = "Roster CSV exported from Canvas, Moodle, GitHub Classroom or a spreadsheet" };
        var format = new Option<string>("--format") { Description = "File layout (default: detected from the header)", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong(RosterFormatNames.All);
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan; change nothing" };
        var dropMissing = new Option<bool>("--drop-missing") { Description = "Drop active students who are not in the file (their files are kept)" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Apply the valid rows even if some rows have errors (the errors are listed)" };
        var command = new Command("import", "Import a roster file: all-or-nothing, in one transaction. Exit 0 applied or clean dry run, 1 errors (nothing applied), 2 usage")
        {
            course, file, format, dryRun, dropMissing, skipInvalid, CommonOptions.Json,
        };
        command.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"classhub roster import: no file '{path}'");
                return CommandLine.Usage;
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var accounts = Composition.AccountRegistration.Binder(state, Configuration.ConfigLocation.Load(parsed), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            var importer = new RosterImporter(CourseCommands.Courses(state), new RosterStore(state.Database, TimeProvider.System), RosterParser.ForPasswdFile(accountCheck: accounts.CheckName));
            using var stream = File.OpenRead(path);
            var result = importer.Import(
                parsed.GetValue(course)!,
                stream,
                RosterFormatNames.Parse(parsed.GetValue(format)) ?? RosterFormat.Auto,
                new RosterImportOptions(parsed.GetValue(dropMissing), parsed.GetValue(skipInvalid)),
                parsed.GetValue(dryRun));
            if (!result.Ok)
            {
                return CourseCommands.Fail($"roster import: {result.Failure.UserMessage}");
            }

            var outcome = result.Value;
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(CourseWire.From(outcome), CourseJsonContext.Default.RosterImportModel));
            }
            else
            {
                PrintPlan(outcome);
            }

            return outcome.Succeeded ? CommandLine.Ok : CommandLine.Failed;
        });
        return command;
    }

    private static void PrintPlan(RosterImportOutcome outcome)
    {
        var p = outcome.Plan;
        var verdict = outcome.Applied ? "applied" : outcome.DryRun ? "dry run: nothing changed" : "NOT applied: fix the errors and import again (nothing changed)";
        Console.WriteLine($"format: {RosterFormatNames.Name(p.Format)}; {verdict}");
        Console.WriteLine($"{"CHANGE",-10} {"COUNT",6}  USERS");
        foreach (var (label, names) in new[] { ("added", p.Added), ("updated", p.Updated), ("unchanged", p.Unchanged), ("missing", p.Missing), ("dropped", p.Dropped) })
        {
            var shown = string.Join(", ", names.Take(20)) + (names.Count > 20 ? $", … ({names.Count - 20} more)" : "");
            Console.WriteLine($"{label,-10} {names.Count,6}  {shown}");
        }

        foreach (var w in p.Warnings)
        {
            Console.WriteLine($"warning: {w}");
        }

        foreach (var e in p.Errors)
        {
            Console.WriteLine($"error: {e}");
        }

        if (p.Missing.Count > 0 && !outcome.DryRun)
        {
            Console.WriteLine("missing members were left as they are; import with --drop-missing to drop them");
        }
    }

    private static Command List()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var command = new Command("list", "List a course's members") { course, CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courses = CourseCommands.Courses(state);
            var courseId = parsed.GetValue(course)!;
            if (courses.Find(courseId) is null)
            {
                return CourseCommands.Fail($"roster list: there is no course '{courseId}'");
            }

            var members = courses.Members(courseId);
            if (parsed.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(members.Select(CourseWire.From).ToList(), CourseJsonContext.Default.ListRosterMemberModel));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"USERNAME",-24} {"ROLE",-10} {"STATUS",-8} {"SECTION",-12} {"NAME",-28} EMAIL");
            foreach (var m in members)
            {
                Console.WriteLine($"{m.UserName,-24} {CourseId.RoleName(m.Role),-10} {CourseId.StatusName(m.Status),-8} {m.Section ?? "",-12} {m.Name ?? "",-28} {m.Email ?? ""}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Invites()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (username,name,email,link) for a mail merge" };
        var command = new Command("invites", "Make a one-time sign-in link (valid 7 days) for every active student who has no password yet") { course, csv };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courses = CourseCommands.Courses(state);
            var courseId = parsed.GetValue(course)!;
            if (courses.Find(courseId) is null)
            {
                return CourseCommands.Fail($"roster invites: there is no course '{courseId}'");
            }

            var rows = new List<string?[]>();
            foreach (var m in courses.Members(courseId).Where(m => m.IsActive && m.Role == CourseRole.Student))
            {
                if (state.Users.Find(m.UserName) is not { PasswordHash: null, User.IsDisabled: false } user)
                {
                    continue;
                }

                var code = state.Invites.Create(user.Id, UserCommands.InviteLifetime);
                rows.Add([m.UserName, m.Name, m.Email, new Uri(state.PublicUrl, $"hub/invite/{code}").ToString()]);
            }

            if (parsed.GetValue(csv))
            {
                CsvExport.WriteRow(Console.Out, ["username", "name", "email", "link"]);
                foreach (var row in rows)
                {
                    CsvExport.WriteRow(Console.Out, row);
                }
            }
            else
            {
                Console.WriteLine($"{"USERNAME",-24} {"NAME",-28} {"EMAIL",-32} LINK");
                foreach (var row in rows)
                {
                    Console.WriteLine($"{row[0],-24} {row[1] ?? "",-28} {row[2] ?? "",-32} {row[3]}");
                }

                Console.Error.WriteLine($"{rows.Count} invite link(s), valid 7 days; students who already set a password were skipped");
            }

            return CommandLine.Ok;
        });
        return command;
    }
}
