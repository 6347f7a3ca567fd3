using Classhub.Core.Courses;
using Classhub.Core.Datasets;
using Classhub.Storage.Courses;
using Classhub.Storage.Datasets;

namespace Classhub.Hub.Datasets;

/// <summary>
/// Adding and removing a course's datasets, with the checks: a valid name not used by another course, a folder that
/// exists, that this caller may share (<see cref="DatasetPolicy"/>: never a system folder; course staff only under
/// datasets.roots), and that is not inside a student's home. Every check is on the path's real path (symlinks
/// resolved), and that real path is what is stored. Used by the CLI and the course page.
/// </summary>
internal sealed class DatasetCatalog(DatasetStore store, CourseStore courses, Func<string, string?> homeOf, DatasetPolicy policy)
{
    /// <summary>Adds the dataset; returns null on success, else what was wrong and how to fix it.</summary>
    /// <param name="byAdmin">An admin (the CLI, a hub admin) may share folders outside datasets.roots; course staff may not.</param>
    public string? Add(string courseId, string name, string path, bool byAdmin)
    {
        var doing = $"adding dataset '{name}' to {courseId}";
        if (courses.Find(courseId) is null)
        {
            return $"{doing}: there is no course '{courseId}'";
        }

        if (DatasetName.Problem(name) is { } nameProblem)
        {
            return $"{doing}: {nameProblem}";
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return $"{doing}: PATH '{path}' is not absolute; give the folder's full path, e.g. /srv/data/{name}";
        }

        var real = RealPath.Resolve(path);
        if (real is null)
        {
            return $"{doing}: '{path}' does not exist; create the folder (or fix the path) first";
        }

        if (!Directory.Exists(real))
        {
            return $"{doing}: '{path}' is not a folder; a dataset is a folder (put the file in one)";
        }

        if (policy.Problem(path, real, byAdmin) is { } notAllowed)
        {
            return $"{doing}: {notAllowed}";
        }

        foreach (var student in store.Students())
        {
            if (homeOf(student) is { } home && RealPath.Resolve(home) is { } realHome && (RealPath.IsInside(real, realHome) || RealPath.IsInside(realHome, real)))
            {
                return $"{doing}: '{path}' is inside (or contains) the home of student {student}; students could change it there. Copy it to a folder such as /srv/data/{name}";
            }
        }

        if (store.Add(courseId, name, real) is { } takenBy)
        {
            return takenBy == courseId
                ? $"{doing}: {courseId} already has a dataset '{name}'; remove it first or pick another name"
                : $"{doing}: the name '{name}' is already used by course {takenBy} (names are shared across courses, as students of both would see both); pick another name";
        }

        return null;
    }

    /// <summary>Removes the dataset; returns null on success, else why not.</summary>
    public string? Remove(string courseId, string name) =>
        store.Remove(courseId, name) ? null : $"removing dataset '{name}' from {courseId}: {courseId} has no dataset '{name}' (see 'classhub dataset list {courseId}')";

    public IReadOnlyList<Dataset> ForCourse(string courseId) => store.ForCourse(courseId);

    internal static bool IsCourse(string courseId) => CourseId.Problem(courseId) is null;
}
