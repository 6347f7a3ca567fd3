using System.CommandLine;
using System.Text.Json;
using Classhub.Core.Courses;
using Classhub.Core.Users;
using Classhub.Hub.Courses;
using Classhub.Storage.Courses;

namespace Classhub.Cli;

/// <summary><c>classhub course create|list|staff add</c>.</summary>
internal static class CourseCommands
{
    public static Command Create()
    {
        var course = new Command("course", "Manage courses");
        course.Subcommands.Add(CreateCourse());
        course.Subcommands.Add(List());
        course.Subcommands.Add(CourseSpawnerCommand.Create());
        var staff = new Command("staff", "Manage a course's TAs and instructors");
        staff.Subcommands.Add(StaffAdd());
        course.Subcommands.Add(staff);
        return course;
    }

    private static Command CreateCourse()
    {
        var id = new Argument<string>("ID") { Description = "Course id, also its folder name in students' homes (a-z, 0-9, _ . -)" };
        var title = new Option<string>("--title") { Description = "The course's title, as people see it", Required = true };
        var term = new Option<string?>("--term") { Description = "The term, e.g. 2025-fall" };
        var command = new Command("create", "Create a course") { id, title, term };
        command.SetAction(parsed =>
        {
            var courseId = parsed.GetValue(id)!.Trim();
            if (CourseId.Problem(courseId) is { } problem)
            {
                return Fail($"course create: {problem}");
            }

            var titleText = parsed.GetValue(title)!.Trim();
            if (titleText.Length == 0)
            {
                return Fail("course create: --title is empty; give the course a title people will recognise");
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var termText = parsed.GetValue(term) is { Length: > 0 } t ? t.Trim() : null;
            if (!Courses(state).Create(courseId, titleText, termText))
            {
                return Fail($"course create: course '{courseId}' already exists");
            }

            Console.WriteLine($"created course {courseId}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List courses") { CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courses = Courses(state).List();
            if (parsed.GetValue(CommonOptions.Json))
            {
                var models = courses.Select(c => CourseWire.From(c, null, null)).ToList();
                Console.WriteLine(JsonSerializer.Serialize(models, CourseJsonContext.Default.ListCourseModel));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"ID",-24} {"TERM",-12} TITLE");
            foreach (var c in courses)
            {
                Console.WriteLine($"{c.Id,-24} {c.Term ?? "",-12} {c.Title}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command StaffAdd()
    {
        var id = new Argument<string>("ID") { Description = "Course id" };
        var user = new Argument<string>("USER") { Description = "User name (created if missing; sign in with 'classhub user invite')" };
        var role = new Option<string>("--role") { Description = "ta or instructor", Required = true };
        role.AcceptOnlyFromAmong("ta", "instructor");
        var command = new Command("add", "Make a user a TA or instructor of a course") { id, user, role };
        command.SetAction(parsed =>
        {
            var courseId = parsed.GetValue(id)!;
            var name = UserName.Normalize(parsed.GetValue(user)!);
            if (UserName.Problem(name) is { } problem)
            {
                return Fail($"course staff add: {problem}");
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var courses = Courses(state);
            if (courses.Find(courseId) is null)
            {
                return Fail($"course staff add: there is no course '{courseId}'");
            }

            var stored = state.Users.Find(name) ?? state.Users.Add(name, false);
            if (stored is null)
            {
                return Fail($"course staff add: could not create user '{name}'");
            }

            var roleValue = CourseId.ParseRole(parsed.GetValue(role)!)!.Value;
            courses.SetStaff(courseId, stored.Id, roleValue);
            Console.WriteLine($"{name} is now {CourseId.RoleName(roleValue)} of {courseId}");
            return CommandLine.Ok;
        });
        return command;
    }

    internal static CourseStore Courses(HubState state) => new(state.Database, TimeProvider.System);

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"classhub {message}");
        return CommandLine.Failed;
    }
}
