using Classhub.Core.Servers;
using Classhub.Hub.Hosting;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Slurm;
using Classhub.Storage.Courses;

namespace Classhub.Composition;

/// <summary>
/// Chooses where servers run: local processes (as the Unix user of the same name when root) by default, Slurm jobs
/// for courses set to <c>slurm</c> (<see cref="CourseSpawnerRouter"/>).
/// </summary>
internal static class SpawnerRegistration
{
    public static IServiceCollection AddSpawner(this IServiceCollection services, HubOptions options, SlurmSpawnerOptions slurm)
    {
        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton(new LocalProcessSpawnerOptions { Program = options.ServerCommand[0] });
        services.AddSingleton<LocalProcessSpawner>();
        services.AddSingleton(slurm);
        services.AddSingleton<SlurmSpawner>();
        services.AddSingleton<CourseSpawnerStore>();
        services.AddSingleton<ISpawner>(sp => new CourseSpawnerRouter(
            sp.GetRequiredService<LocalProcessSpawner>(), sp.GetRequiredService<SlurmSpawner>(), sp.GetRequiredService<CourseSpawnerStore>()));
        return services;
    }
}
