using Classhub.Core.Datasets;
using Classhub.Spawning.Datasets;

namespace Classhub.Composition;

/// <summary>Datasets as read-only bind mounts when root; symlinks (with a warning) in development mode.</summary>
internal static class DatasetRegistration
{
    public static IServiceCollection AddDatasetMounts(this IServiceCollection services)
    {
        if (Spawning.Unix.UnixAccounts.IsRoot)
        {
            services.AddSingleton(new DatasetMountOptions());
            services.AddSingleton<IDatasetMounts, LinuxDatasetMounts>();
        }
        else
        {
            services.AddSingleton<IDatasetMounts, SymlinkDatasets>();
        }

        return services;
    }
}
