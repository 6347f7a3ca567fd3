using Classhub.Core.Datasets;
using Classhub.Hub.Hosting;
using Classhub.Storage.Courses;
using Classhub.Storage.Datasets;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Datasets;

/// <summary>
/// Datasets and shared kernels: the catalog, what a server gets before it starts, the reconciler for running servers,
/// the course-page forms. The executable registers the <see cref="IDatasetMounts"/> implementation.
/// </summary>
internal static class DatasetServiceCollectionExtensions
{
    public static IServiceCollection AddDatasets(this IServiceCollection services, HubOptions options)
    {
        services.AddSingleton<DatasetStore>();
        services.AddSingleton(KernelPaths.For(options.DataDir, Environment.UserName == "root"));
        services.AddSingleton(new DatasetPolicy(options.DatasetRoots, options.DataDir, DatasetDefaults.MountRoot));
        services.AddSingleton(sp => new DatasetCatalog(
            sp.GetRequiredService<DatasetStore>(), sp.GetRequiredService<CourseStore>(), sp.GetRequiredService<IDatasetMounts>().HomeDirectoryOf, sp.GetRequiredService<DatasetPolicy>()));
        services.AddSingleton<SharedResources>();
        services.AddSingleton<DatasetReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<DatasetReconciler>());
        services.AddSingleton<DatasetEndpoints>();
        return services;
    }

    public static IEndpointRouteBuilder MapDatasets(this IEndpointRouteBuilder app)
    {
        DatasetEndpoints.Map(app);
        return app;
    }
}
