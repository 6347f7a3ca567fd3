namespace Classhub.Core.Datasets;

/// <summary>A folder shared read-only with a course's active members at <c>~/datasets/&lt;Name&gt;</c>.</summary>
public sealed record Dataset(string CourseId, string Name, string Path, DateTimeOffset AddedAt);

/// <summary>One dataset as a user's tree shows it: <c>~/datasets/&lt;Name&gt;</c> is <paramref name="SourcePath"/>, read-only.</summary>
public sealed record DatasetMount(string Name, string SourcePath);

/// <summary>A Jupyter kernel registered from an existing environment's interpreter, for everyone or one course.</summary>
public sealed record SharedKernel(string Name, string Python, string DisplayName, string? CourseId, DateTimeOffset AddedAt);

/// <summary>Fixed places shared by the hub and the CLI.</summary>
public static class DatasetDefaults
{
    /// <summary>Root of the per-user dataset trees (mode 0700, root's); datasets may not be inside it.</summary>
    public const string MountRoot = "/run/classhub/datasets";
}
