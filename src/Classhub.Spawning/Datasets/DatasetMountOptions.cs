namespace Classhub.Spawning.Datasets;

/// <summary>Where <see cref="LinuxDatasetMounts"/> keeps the per-user trees and where it reads the mount table.</summary>
internal sealed record DatasetMountOptions
{
    /// <summary>Mode 0700, root's: holds one shared mount point per user plus a private staging folder.</summary>
    public string Root { get; init; } = Core.Datasets.DatasetDefaults.MountRoot;

    public string MountInfoPath { get; init; } = "/proc/self/mountinfo";
}
