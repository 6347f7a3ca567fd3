namespace Classhub.Hub.Datasets;

/// <summary>
/// Where shared kernelspecs live so servers find them with no action by the student. As root: kernels for everyone
/// in <c>/usr/local/share/jupyter/kernels</c> (on Jupyter's default path), per-course ones under
/// <c>/usr/local/share/classhub/jupyter/&lt;course&gt;</c>, which the hub puts on JUPYTER_PATH of that course's
/// active members. Not root (development): both under the data directory, and everyone's folder on JUPYTER_PATH.
/// </summary>
internal sealed record KernelPaths(string EveryoneDataDir, string CoursesDir, bool EveryoneOnDefaultPath)
{
    public const string Prefix = "classhub-";

    public static KernelPaths For(string dataDir, bool root) => root
        ? new KernelPaths("/usr/local/share/jupyter", "/usr/local/share/classhub/jupyter", true)
        : new KernelPaths(Path.Combine(dataDir, "jupyter"), Path.Combine(dataDir, "jupyter-courses"), false);

    public string CourseDataDir(string courseId) => Path.Combine(CoursesDir, courseId);

    /// <summary>The folder holding the kernel's kernel.json.</summary>
    public string SpecDir(string name, string? courseId) =>
        Path.Combine(courseId is null ? EveryoneDataDir : CourseDataDir(courseId), "kernels", Prefix + name);

    /// <summary>JUPYTER_PATH for a user in these courses (folders may not exist yet: Jupyter rescans them on every listing).</summary>
    public string JupyterPathFor(IEnumerable<string> activeCourses)
    {
        var dirs = activeCourses.Select(CourseDataDir).ToList();
        if (!EveryoneOnDefaultPath)
        {
            dirs.Insert(0, EveryoneDataDir);
        }

        return string.Join(':', dirs);
    }
}
