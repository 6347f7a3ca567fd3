namespace Classhub.Hub.Assignments;

/// <summary>Where assignment files live under the data dir, and the size limits (config: assignments.*).</summary>
internal sealed record AssignmentOptions(string DataDir, long MaxPushBytes, long MaxSubmissionBytes, int Parallelism = 4)
{
    public const long DefaultMaxPushBytes = 1L << 30;
    public const long DefaultMaxSubmissionBytes = 200L << 20;

    public string AssignmentFolder(string course, string name) => Path.Combine(DataDir, "assignments", course, name);

    public string ReleaseFolder(string course, string name, int release) => Path.Combine(AssignmentFolder(course, name), "releases", release.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string SubmissionsFolder(string course, string name, string user) => Path.Combine(DataDir, "submissions", course, name, user);

    /// <summary>Creates the folder (and parents under the data dir) with mode 0700: only the hub reads releases and submissions.</summary>
    public static string Private(string folder)
    {
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }
}
