namespace Classhub.Storage.Datasets;

/// <summary>A row of <c>datasets</c>; mapped to <see cref="Core.Datasets.Dataset"/> at the boundary.</summary>
internal sealed class DatasetRow
{
    public string Name { get; set; } = "";

    public string CourseId { get; set; } = "";

    public string Path { get; set; } = "";

    public long AddedAt { get; set; }
}

/// <summary>A dataset with one user who sees it (an active member of its course).</summary>
internal sealed class DatasetViewerRow
{
    public string UserName { get; set; } = "";

    public string Name { get; set; } = "";

    public string Path { get; set; } = "";
}

/// <summary>A row of <c>kernels</c>; mapped to <see cref="Core.Datasets.SharedKernel"/> at the boundary.</summary>
internal sealed class KernelRow
{
    public string Name { get; set; } = "";

    public string Python { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? CourseId { get; set; }

    public long AddedAt { get; set; }
}
