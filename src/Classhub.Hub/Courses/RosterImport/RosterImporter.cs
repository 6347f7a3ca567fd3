using Classhub.Core.Courses;
using Classhub.Core.Results;
using Classhub.Hub.Courses.Roster;
using Classhub.Storage.Courses;

namespace Classhub.Hub.Courses.RosterImport;

/// <summary>The outcome of an import: the plan and whether it was written.</summary>
internal sealed record RosterImportOutcome(RosterPlan Plan, bool Applied, bool DryRun)
{
    /// <summary>0 when applied or a clean dry run (or errors skipped with --skip-invalid), 1 when errors stopped it.</summary>
    public bool Succeeded => Applied || (DryRun && Plan.CanApply);
}

/// <summary>
/// Roster import for the CLI and the course page: read the file, plan against the current roster, and (unless a dry
/// run) apply in one transaction in which the plan is recomputed against the roster as it is then.
/// </summary>
internal sealed class RosterImporter(CourseStore courses, RosterStore rosters, RosterParser parser)
{
    public Result<RosterImportOutcome> Import(string courseId, Stream file, RosterFormat format, RosterImportOptions options, bool dryRun)
    {
        if (courses.Find(courseId) is null)
        {
            return Failure.Of("course_not_found", $"importing a roster into {courseId}: there is no course '{courseId}'; create it with 'classhub course create {courseId} --title TITLE'");
        }

        var parsed = parser.Parse(file, format);
        if (dryRun)
        {
            return Result<RosterImportOutcome>.Success(new RosterImportOutcome(RosterPlanner.Plan(courseId, parsed, courses.Members(courseId), options), false, true));
        }

        var outcome = rosters.Apply(courseId, current =>
        {
            var plan = RosterPlanner.Plan(courseId, parsed, current, options);
            return plan.CanApply
                ? (new RosterImportOutcome(plan, true, false), RosterPlanner.ToWrite(plan))
                : (new RosterImportOutcome(plan, false, false), (RosterWrite?)null);
        });
        return Result<RosterImportOutcome>.Success(outcome);
    }
}
