using System.Text.RegularExpressions;
using Classhub.Core.Courses;
using Classhub.Core.Results;
using Classhub.Hub.Courses.Roster;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Hub.Assignments.Grades;

/// <summary>What a grade import did: grades written, and columns that matched no assignment (ignored).</summary>
internal sealed record GradeImport(int Grades, IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// Grades as CSV in the shape of Canvas's gradebook (Student, ID, SIS User ID, SIS Login ID, Section, then one column per
/// assignment), so an export can be imported back into Canvas matched by SIS Login ID (= the classhub user name).
/// Export neutralises formulas (<see cref="CsvExport"/>). Import is all-or-nothing: any unknown student or bad cell
/// refuses the file, naming the line.
/// </summary>
internal sealed partial class GradeBook(AssignmentStore assignments, CourseStore courses, UserStore users)
{
    private static readonly string[] Fixed = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];

    [GeneratedRegex(@"\s+\(\d+\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CanvasId();

    public void Export(string courseId, TextWriter writer)
    {
        var names = assignments.List(courseId).Select(a => a.Name).ToList();
        var grades = assignments.Grades(courseId).ToDictionary(g => (g.UserName, g.Name), g => g.Score);
        CsvExport.WriteRow(writer, [.. Fixed, .. names]);
        foreach (var m in courses.Members(courseId).Where(m => m is { Role: CourseRole.Student }))
        {
            CsvExport.WriteRow(writer, [m.Name ?? m.UserName, "", "", m.UserName, m.Section, .. names.Select(n => grades.GetValueOrDefault((m.UserName, n)))]);
        }
    }

    public Result<GradeImport> Import(string courseId, string text)
    {
        var doing = $"importing grades into {courseId}";
        var records = CsvRecords.Read(text.TrimStart('\uFEFF'), ',');
        if (records.Error is { } error)
        {
            return Failure.Of("bad-csv", $"{doing}: line {error.Line}: {error.Message}");
        }

        if (records.Records.Count == 0)
        {
            return Failure.Of("empty", $"{doing}: the file is empty");
        }

        var header = records.Records[0].Cells;
        var key = Array.FindIndex(header, h => h.Equals("SIS Login ID", StringComparison.OrdinalIgnoreCase) || h.Equals("username", StringComparison.OrdinalIgnoreCase));
        if (key < 0)
        {
            return Failure.Of("no-key", $"{doing}: line 1: there is no 'SIS Login ID' (or 'username') column saying whose grades a row holds");
        }

        var known = assignments.List(courseId).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var columns = new List<(int Index, string Name)>();
        var ignored = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            if (i == key || Fixed.Contains(header[i], StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = CanvasId().Replace(header[i], "");
            if (known.Contains(name))
            {
                columns.Add((i, name));
            }
            else if (header[i].Length > 0)
            {
                ignored.Add(header[i]);
            }
        }

        var grades = new List<(long, string, string)>();
        var problems = new List<string>();
        foreach (var record in records.Records.Skip(1))
        {
            var login = key < record.Cells.Length ? record.Cells[key] : "";
            if (login.Length == 0 || record.Cells[0].Contains("Points Possible", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var user = users.Find(login);
            if (user is null || courses.Member(courseId, user.Id) is not { Role: CourseRole.Student })
            {
                problems.Add($"line {record.Line}: '{login}' is not a student of {courseId}");
                continue;
            }

            foreach (var (index, name) in columns)
            {
                var score = index < record.Cells.Length ? record.Cells[index].TrimStart('\'') : "";
                if (score.Length > 64)
                {
                    problems.Add($"line {record.Line}, column '{header[index]}': the grade is longer than 64 characters");
                }
                else if (score.Length > 0)
                {
                    grades.Add((user.Id, name, score));
                }
            }
        }

        if (problems.Count > 0)
        {
            return Failure.Of("bad-rows", $"{doing}: nothing was imported: {string.Join("; ", problems.Take(20))}");
        }

        assignments.SetGrades(courseId, grades);
        return Result<GradeImport>.Success(new GradeImport(grades.Count, ignored));
    }
}
