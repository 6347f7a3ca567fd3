using Classhub.Core.Courses;
using Classhub.Hub.Courses.Roster;

namespace Classhub.Hub.Courses.RosterImport;

/// <summary>
/// Pure: compares a parsed roster file with the course's current members and says what an import would do.
/// Rules: a new user name is added; a known one whose name, e-mail, section, role or status differs is updated (a
/// dropped member who is back in the file is re-activated); an identical one is unchanged. Active students absent
/// from the file are missing, or dropped with <see cref="RosterImportOptions.DropMissing"/>. Staff added with
/// <c>course staff add</c> are never missing (LMS exports list students only) and never demoted by a file that says
/// "student". A row with status dropped (Canvas SIS "deleted", Moodle suspended) drops that member.
/// Errors block the import (<see cref="RosterPlan.CanApply"/> is false) unless SkipInvalid, and then nobody is
/// dropped as missing, because an invalid row may be a person who is really still in the course. Errors about the
/// file as a whole (line 0: empty, header only, unknown header) always block.
/// </summary>
internal static class RosterPlanner
{
    public static RosterPlan Plan(string courseId, RosterParseResult parsed, IReadOnlyList<CourseMember> current, RosterImportOptions options)
    {
        var byName = current.ToDictionary(m => m.UserName, StringComparer.Ordinal);
        var warnings = new List<RosterWarning>(parsed.Warnings);
        var errors = parsed.Errors;
        var fileLevelError = errors.Any(e => e.Line == 0);
        var canApply = !fileLevelError && (errors.Count == 0 || options.SkipInvalid);

        var added = new List<string>();
        var updated = new List<string>();
        var unchanged = new List<string>();
        var dropped = new List<string>();
        var writes = new List<CourseMember>();
        var inFile = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entry in parsed.Entries)
        {
            inFile.Add(entry.Username);
            var status = entry.Status == RosterStatus.Dropped ? MemberStatus.Dropped : MemberStatus.Active;
            var role = entry.Role switch
            {
                RosterRole.Ta => CourseRole.Ta,
                RosterRole.Instructor => CourseRole.Instructor,
                _ => CourseRole.Student,
            };

            if (!byName.TryGetValue(entry.Username, out var existing))
            {
                if (status == MemberStatus.Dropped)
                {
                    warnings.Add(new RosterWarning(entry.Line, $"'{entry.Username}' is marked as dropped or suspended and is not in the course; skipped"));
                    continue;
                }

                added.Add(entry.Username);
                writes.Add(new CourseMember(courseId, entry.Username, role, entry.Name, entry.Email, entry.Section, status));
                continue;
            }

            if (existing.IsStaff && role == CourseRole.Student)
            {
                role = existing.Role;
            }

            var wanted = new CourseMember(courseId, entry.Username, role, entry.Name, entry.Email, entry.Section, status);
            if (wanted == existing)
            {
                unchanged.Add(entry.Username);
            }
            else if (status == MemberStatus.Dropped && existing.Status == MemberStatus.Active)
            {
                dropped.Add(entry.Username);
                writes.Add(wanted);
            }
            else
            {
                updated.Add(entry.Username);
                writes.Add(wanted);
            }
        }

        var missing = new List<string>();
        var dropMissing = options.DropMissing && errors.Count == 0;
        if (options.DropMissing && errors.Count > 0 && canApply)
        {
            warnings.Add(new RosterWarning(0, "some rows have errors, so members missing from the file were not dropped: fix the file and import again to drop them"));
        }

        foreach (var member in current)
        {
            if (inFile.Contains(member.UserName) || !member.IsActive || member.IsStaff)
            {
                continue;
            }

            if (dropMissing)
            {
                dropped.Add(member.UserName);
            }
            else
            {
                missing.Add(member.UserName);
            }
        }

        return new RosterPlan(
            parsed.Format,
            Sorted(added),
            Sorted(updated),
            Sorted(unchanged),
            Sorted(missing),
            Sorted(dropped),
            warnings,
            errors,
            writes,
            canApply);
    }

    /// <summary>The rows to write for a plan that can be applied: members added or updated, and members dropped as missing.</summary>
    public static Storage.Courses.RosterWrite ToWrite(RosterPlan plan) => new(plan.Members, plan.Dropped);

    private static List<string> Sorted(List<string> names)
    {
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
