using System.CommandLine;
using Classhub.Hub.Assignments.Grades;
using Classhub.Storage.Assignments;

namespace Classhub.Cli;

/// <summary><c>classhub grades import|export COURSE FILE</c>: Canvas gradebook-shaped CSV, matched by SIS Login ID.</summary>
internal static class GradeCommands
{
    public static Command Create()
    {
        var grades = new Command("grades", "Import or export a course's grades (CSV, Canvas gradebook shape)");
        grades.Subcommands.Add(Import());
        grades.Subcommands.Add(Export());
        return grades;
    }

    private static Command Import()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var file = new Argument<string>("FILE") { Description = "CSV with a 'SIS Login ID' (or 'username') column and one column per assignment" };
        var command = new Command("import", "Set grades from a CSV: all rows or none") { course, file };
        command.SetAction(parsed =>
        {
            var (book, courseId) = Open(parsed, course);
            if (book is null)
            {
                return CommandLine.Failed;
            }

            var path = parsed.GetValue(file)!;
            if (!File.Exists(path))
            {
                return CourseCommands.Fail($"grades import: there is no file {path}");
            }

            var result = book.Import(courseId, File.ReadAllText(path));
            if (!result.Ok)
            {
                return CourseCommands.Fail($"grades import: {result.Failure.UserMessage}");
            }

            foreach (var column in result.Value.IgnoredColumns)
            {
                Console.Error.WriteLine($"note: column '{column}' matches no assignment of {courseId}; ignored");
            }

            Console.WriteLine($"imported {result.Value.Grades} grades into {courseId}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Export()
    {
        var course = new Argument<string>("COURSE") { Description = "Course id" };
        var file = new Argument<string>("FILE") { Description = "CSV to write ('-' for standard output)" };
        var command = new Command("export", "Write grades as CSV (formulas neutralised), importable into Canvas by SIS Login ID") { course, file };
        command.SetAction(parsed =>
        {
            var (book, courseId) = Open(parsed, course);
            if (book is null)
            {
                return CommandLine.Failed;
            }

            var path = parsed.GetValue(file)!;
            if (path == "-")
            {
                book.Export(courseId, Console.Out);
                return CommandLine.Ok;
            }

            var temp = path + ".tmp";
            using (var writer = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(true)))
            {
                book.Export(courseId, writer);
            }

            File.Move(temp, path, overwrite: true);
            Console.WriteLine($"wrote {path}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static (GradeBook? Book, string CourseId) Open(ParseResult parsed, Argument<string> course)
    {
        var courseId = parsed.GetValue(course)!;
        var state = HubState.Open(DataDirectory.Resolve(parsed));
        var courses = CourseCommands.Courses(state);
        if (courses.Find(courseId) is null)
        {
            CourseCommands.Fail($"grades: there is no course '{courseId}'");
            return (null, courseId);
        }

        return (new GradeBook(new AssignmentStore(state.Database, TimeProvider.System), courses, state.Users), courseId);
    }
}
