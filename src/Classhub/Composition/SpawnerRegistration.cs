using Classhub.Core.Servers;
using Classhub.Hub.Hosting;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;

namespace Classhub.Composition;

/// <summary>Chooses where servers run. Today: local processes (as the Unix user of the same name when root).</summary>
internal static class SpawnerRegistration
{
    public static IServiceCollection AddSpawner(this IServiceCollection services, HubOptions options)
    {
        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton(new LocalProcessSpawnerOptions { Program = options.ServerCommand[0] });
        services.AddSingleton<ISpawner, LocalProcessSpawner>();
        return services;
    }
}
