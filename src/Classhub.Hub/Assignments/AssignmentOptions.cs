namespace Classhub.Hub.Assignments;

/// <summary>Where assignment files live under the data dir, and the limits (config: assignments.*).</summary>
/// <param name="MaxPushBytes">assignments.max_push_mb: the largest push (folder or unpacked .zip); a bigger one is refused whole.</param>
/// <param name="MaxSubmissionBytes">assignments.max_submission_mb: the largest submission, counted as the files' sizes when opened; no more than that is copied.</param>
/// <param name="KeepSubmissions">assignments.keep_submissions: how many submissions of one student to one assignment are kept (the newest; 0 keeps all).</param>
internal sealed record AssignmentOptions(string DataDir, long MaxPushBytes, long MaxSubmissionBytes, int KeepSubmissions = AssignmentOptions.DefaultKeepSubmissions, int Parallelism = 4)
{
    public const long DefaultMaxPushBytes = 1L << 30;
    public const long DefaultMaxSubmissionBytes = 200L << 20;
    public const int DefaultKeepSubmissions = 5;

    public string AssignmentFolder(string course, string name) => Path.Combine(DataDir, "assignments", course, name);

    public string ReleaseFolder(string course, string name, int release) => Path.Combine(AssignmentFolder(course, name), "releases", release.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Where pushes are read into before they become a release (one folder per push, removed when it is refused).</summary>
    public string StagingFolder => Path.Combine(DataDir, "staging");

    public string SubmissionsFolder(string course, string name, string user) => Path.Combine(DataDir, "submissions", course, name, user);

    /// <summary>Creates the folder (and parents under the data dir) with mode 0700: only the hub reads releases and submissions.</summary>
    public static string Private(string folder)
    {
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }
}
