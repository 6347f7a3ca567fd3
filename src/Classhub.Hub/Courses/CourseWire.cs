using System.Text.Json.Serialization;
using Classhub.Core.Courses;
using Classhub.Hub.Courses.RosterImport;

namespace Classhub.Hub.Courses;

/// <summary>A course on the wire (<c>GET /hub/api/courses</c>, <c>classhub course list --json</c>). Role/status are the caller's, null for admins who are not members.</summary>
internal sealed record CourseModel(string Id, string Title, string? Term, DateTimeOffset Created, string? Role, string? Status);

/// <summary>One roster row on the wire (<c>GET /hub/api/courses/{id}/roster</c>, <c>classhub roster list --json</c>).</summary>
internal sealed record RosterMemberModel(string Username, string? Name, string? Email, string Role, string? Section, string Status);

internal sealed record RosterWarningModel(int Line, string Message);

internal sealed record RosterErrorModel(int Line, string? Field, string Message);

/// <summary>The plan of a roster import, as <c>classhub roster import --json</c> prints it.</summary>
internal sealed record RosterImportModel(
    string Format,
    bool Applied,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<RosterWarningModel> Warnings,
    IReadOnlyList<RosterErrorModel> Errors);

/// <summary>Maps domain records to wire types.</summary>
internal static class CourseWire
{
    public static CourseModel From(Course c, CourseRole? role, MemberStatus? status) =>
        new(c.Id, c.Title, c.Term, c.CreatedAt, role is { } r ? CourseId.RoleName(r) : null, status is { } s ? CourseId.StatusName(s) : null);

    public static RosterMemberModel From(CourseMember m) =>
        new(m.UserName, m.Name, m.Email, CourseId.RoleName(m.Role), m.Section, CourseId.StatusName(m.Status));

    public static RosterImportModel From(RosterImportOutcome outcome)
    {
        var p = outcome.Plan;
        return new RosterImportModel(
            RosterFormatNames.Name(p.Format),
            outcome.Applied,
            p.Added,
            p.Updated,
            p.Unchanged,
            p.Missing,
            p.Dropped,
            p.Warnings.Select(w => new RosterWarningModel(w.Line, w.Message)).ToList(),
            p.Errors.Select(e => new RosterErrorModel(e.Line, e.Field, e.Message)).ToList());
    }
}

/// <summary>Source-generated JSON for the course wire types (snake_case, like the rest of the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<CourseModel>))]
[JsonSerializable(typeof(List<RosterMemberModel>))]
[JsonSerializable(typeof(RosterImportModel))]
internal sealed partial class CourseJsonContext : JsonSerializerContext;
