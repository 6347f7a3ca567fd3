using Classhub.Cli;
using Classhub.Composition;
using Classhub.Hub.Hosting;
using Classhub.Proxy;
using Classhub.Proxy.Forwarding;
using Classhub.Storage.Database;

namespace Classhub.Hosting;

/// <summary>Builds and runs the hub: state, storage, the hub, the proxy, the spawner, then the URL space.</summary>
internal static partial class HubHost
{
    public static async Task<int> RunAsync(ServeSettings settings, CancellationToken cancellationToken)
    {
        var (urls, problem) = ListenAddress.Parse(settings.Urls);
        if (urls is null)
        {
            Console.Error.WriteLine($"classhub serve: {problem}");
            return CommandLine.Usage;
        }

        DataDirectory.Ensure(settings.DataDir);
        using var dataLock = DataDirLock.TryAcquire(settings.DataDir);
        if (dataLock is null)
        {
            Console.Error.WriteLine($"classhub serve: another classhub is already serving {settings.DataDir}; stop it first, or use another --data-dir");
            return CommandLine.Failed;
        }

        var database = new HubDatabase(Path.Combine(settings.DataDir, "classhub.db"));
        database.Migrate();

        var publicUrl = settings.PublicUrl is { } p && Uri.TryCreate(p, UriKind.Absolute, out var given) ? given : ListenAddress.Internal(urls[0]);
        var options = new HubOptions
        {
            DataDir = settings.DataDir,
            Dev = settings.Dev,
            PublicUrl = publicUrl,
            InternalUrl = ListenAddress.Internal(urls[0]),
            RunAsUnixUsers = Environment.IsPrivilegedProcess,
            IdleTimeout = settings.IdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : TimeSpan.FromMinutes(60),
            CullInterval = settings.CullIntervalSeconds is { } cull and > 0 ? TimeSpan.FromSeconds(cull) : TimeSpan.FromMinutes(1),
            StartTimeout = settings.StartTimeoutSeconds is { } start and > 0 ? TimeSpan.FromSeconds(start) : TimeSpan.FromSeconds(60),
        };
        await File.WriteAllTextAsync(HubState.PublicUrlFile(settings.DataDir), publicUrl.ToString(), cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.WebHost.UseUrls([.. urls.Select(u => u.ToString())]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHubStorage(database);
        builder.Services.AddHub(options);
        builder.Services.AddUserServerProxy(new ProxyOptions(Hub.Auth.HubCookies.Session));
        builder.Services.AddSpawner(options);

        var app = builder.Build();
        app.MapHub();
        UserServerEndpoints.Map(app);

        if (settings.Dev)
        {
            DevDefaults.Apply(app.Services, options);
        }

        await app.StartAsync(cancellationToken);
        Console.WriteLine($"classhub is serving {publicUrl} (state in {settings.DataDir})");
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandLine.Ok;
    }
}
