using System.Net;
using System.Net.Security;
using Classhub.Acme.Challenges;
using Classhub.Acme.Management;
using Classhub.Cli;
using Classhub.Composition;
using Classhub.Configuration;
using Classhub.Hub.Health;
using Classhub.Hub.Hosting;
using Classhub.Proxy;
using Classhub.Proxy.Forwarding;
using Classhub.Storage.Database;
using Classhub.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Classhub.Hosting;

/// <summary>Builds and runs the hub: configuration, state, storage, the hub, the proxy, the spawner, TLS, then the URL space.</summary>
internal static class HubHost
{
    public static async Task<int> RunAsync(ServeSettings settings, HubConfig config, CancellationToken cancellationToken)
    {
        var (plan, problems) = ServePlan.From(settings, config);
        if (plan is null)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"classhub serve: {problem}");
            }

            return CommandLine.Failed;
        }

        Spawning.Unix.OpenFiles.RaiseSoftLimit();
        DataDirectory.Ensure(plan.DataDir);
        var (dataLock, lockProblem) = DataDirLock.TryAcquire(plan.DataDir);
        using var heldLock = dataLock;
        if (dataLock is null)
        {
            Console.Error.WriteLine($"classhub serve: {lockProblem}");
            return CommandLine.Failed;
        }

        var database = new HubDatabase(Path.Combine(plan.DataDir, "classhub.db"));
        // The schema is brought up to date while the host is built (on a new database ~11 ms of a ~90 ms cold start).
        // Nothing opens the database before the host is built: services are created on first use, after Build.
        var migration = Task.Run(database.Migrate, cancellationToken);
        await File.WriteAllTextAsync(HubState.PublicUrlFile(plan.DataDir), plan.PublicUrl.ToString(), cancellationToken);

        var (builder, buildProblems) = CreateBuilder(plan, config, database);
        if (builder is null)
        {
            buildProblems.ToList().ForEach(p => Console.Error.WriteLine($"classhub serve: {p}"));
            await migration;
            return CommandLine.Failed;
        }

        Listen(builder, plan);
        EventLoopScheduling.Enable(builder);

        var app = builder.Build();
        await migration;
        MapUrlSpace(app, plan);
        if (plan.Dev)
        {
            DevDefaults.Apply(app.Services, app.Services.GetRequiredService<HubOptions>());
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Kestrel's message names the address; unhandled, it ended the process with a stack trace and no advice.
            Console.Error.WriteLine($"classhub serve: {e.Message} Stop what is listening there (ss -ltnp shows it), or listen elsewhere: --urls, or \"urls\" / \"listen\" in classhub.json.");
            return CommandLine.Failed;
        }
        catch (Exception e) when ((e as System.Net.Sockets.SocketException ?? e.InnerException as System.Net.Sockets.SocketException) is { SocketErrorCode: System.Net.Sockets.SocketError.AddressNotAvailable })
        {
            // A host name (or an address) in --urls that belongs to another machine.
            var addresses = plan.Tls == TlsMode.Off ? plan.PlainEndpoints : [plan.HttpEndpoint!, plan.HttpsEndpoint!, .. plan.InternalEndpoints];
            Console.Error.WriteLine($"classhub serve: cannot listen on {string.Join(", ", addresses)}: No interface of this machine has that address: listen on one of its own (ip -brief address), or on http://0.0.0.0:PORT for all of them.");
            return CommandLine.Failed;
        }

        using var compaction = QuietCompaction.Start(app.Services.GetRequiredService<TimeProvider>());
        Console.WriteLine($"classhub is serving {plan.PublicUrl} (state in {plan.DataDir})");
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandLine.Ok;
    }

    /// <summary>
    /// The hub's services as <c>serve</c> composes them, without listening or moving requests off the event loop: serve
    /// builds on it, and a test that reads the hub's URL space (every endpoint) builds the same thing. Null with the
    /// problems when the sign-in configuration is not usable.
    /// </summary>
    internal static (WebApplicationBuilder? Builder, IReadOnlyList<ConfigProblem> Problems) CreateBuilder(ServePlan plan, HubConfig config, HubDatabase database)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // classhub.json is the configuration; ASP.NET Core's own appsettings.json sources stay empty. With their
            // default reload-on-change and the working directory as content root (/ under systemd), the host would put
            // an inotify watch on every directory of the machine (88,000 here, 4 s of CPU, +35 MB).
            ContentRootPath = plan.DataDir,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // This category only logs request start/finish (Information), but while it is enabled at all ASP.NET Core
        // starts an Activity (W3C ids, a logging scope) for every request: CPU on every proxied request for nothing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        var options = HubOptionsFrom(plan);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHubStorage(database);
        builder.Services.AddHub(options);
        if (builder.Services.AddSignIn(config) is { Count: > 0 } signInProblems)
        {
            return (null, signInProblems);
        }

        builder.Services.AddUserServerProxy(new ProxyOptions(Hub.Auth.HubCookies.Prefix));
        builder.Services.AddSpawner(options, plan.SpawnerKind, SpawnerLimits.Parse(plan.MemoryLimit, plan.CpuLimit, plan.TasksLimit, out var limitsProblem) ?? throw new InvalidOperationException(limitsProblem), plan.Slurm);
        builder.Services.AddDatasetMounts();
        builder.Services.AddUnixAccounts(plan.Accounts);
        builder.Services.AddAssignmentHomes(plan.DataDir, config);
        AddTls(builder, plan);
        return (builder, []);
    }

    /// <summary>The URL space, in the order requests meet it: HTTPS redirect, the proxy to users' servers, ACME answers, the hub.</summary>
    internal static void MapUrlSpace(WebApplication app, ServePlan plan)
    {
        EventLoopScheduling.KeepOffEventLoop(app, UserServerEndpoints.Prefix);
        ForwardedClient.Use(app, plan.TrustedProxies);
        if (plan.Tls != TlsMode.Off)
        {
            RedirectPlainHttp(app, plan);
        }

        UserServerEndpoints.Use(app);
        if (plan.Tls == TlsMode.Acme)
        {
            app.MapAcmeHttp01Challenges(app.Services.GetRequiredService<Http01ChallengeStore>());
        }

        app.UseHubRequestFailures();
        app.MapHub();
    }

    private static HubOptions HubOptionsFrom(ServePlan plan) => new()
    {
        DataDir = plan.DataDir,
        Dev = plan.Dev,
        PublicUrl = plan.PublicUrl,
        InternalUrl = plan.InternalUrl,
        RunAsUnixUsers = Environment.IsPrivilegedProcess,
        Accounts = plan.Accounts,
        ServerCommand = plan.ServerCommand,
        IdleTimeout = plan.IdleTimeout,
        CullInterval = plan.CullInterval,
        StartTimeout = plan.StartTimeout,
        UserServersHost = plan.UserServersHost,
        AdminAccess = plan.AdminAccess,
        MinFreeBytes = plan.MinFreeBytes,
        DatasetRoots = plan.DatasetRoots,
    };

    private static void AddTls(WebApplicationBuilder builder, ServePlan plan)
    {
        switch (plan.Tls)
        {
            case TlsMode.Acme:
                builder.Services.AddAcmeCertificates(new AcmeOptions
                {
                    Domains = plan.Domains,
                    Email = plan.Email.Length > 0 ? plan.Email : null,
                    DirectoryUrl = new Uri(plan.AcmeDirectory),
                    CaRootPath = plan.CaRoot.Length > 0 ? plan.CaRoot : null,
                    StateDirectory = Path.Combine(plan.DataDir, "acme"),
                });
                builder.Services.AddSingleton<ICertificateSource, AcmeCertificateSource>();
                break;
            case TlsMode.Manual:
                builder.Services.AddSingleton<ICertificateSource>(sp => new ManualCertificateSource(plan.CertPath, plan.KeyPath, sp.GetRequiredService<TimeProvider>()));
                break;
            case TlsMode.SelfSigned:
                builder.Services.AddSingleton<ICertificateSource>(sp => new SelfSignedCertificateSource(plan.Domains, sp.GetRequiredService<TimeProvider>()));
                break;
            default:
                return;
        }

        builder.Services.AddSingleton(sp => new HealthContribution("certificate", sp.GetRequiredService<ICertificateSource>().Health));
    }

    private static void Listen(WebApplicationBuilder builder, ServePlan plan)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            if (plan.Tls == TlsMode.Off)
            {
                foreach (var endpoint in plan.PlainEndpoints)
                {
                    kestrel.Listen(endpoint, listen => listen.Use(ConnectionHandoff.Middleware));
                }

                return;
            }

            kestrel.Listen(plan.HttpEndpoint!);
            foreach (var endpoint in plan.InternalEndpoints)
            {
                kestrel.Listen(endpoint);
            }

            kestrel.Listen(plan.HttpsEndpoint!, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = context =>
                {
                    var source = kestrel.ApplicationServices.GetRequiredService<ICertificateSource>();
                    return ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = source.Select(context.ClientHelloInfo.ServerName) });
                },
            }).Use(ConnectionHandoff.Middleware));
        });
    }

    /// <summary>On the plain-HTTP port everything but ACME challenges is redirected to HTTPS (308 keeps the method).</summary>
    private static void RedirectPlainHttp(WebApplication app, ServePlan plan)
    {
        var httpPort = plan.HttpEndpoint!.Port;
        var httpsPort = plan.HttpsEndpoint!.Port;
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort != httpPort || context.Request.Path.StartsWithSegments("/.well-known/acme-challenge"))
            {
                await next();
                return;
            }

            var target = new UriBuilder("https", context.Request.Host.Host, httpsPort == 443 ? -1 : httpsPort) { Path = context.Request.Path, Query = context.Request.QueryString.Value };
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = target.Uri.ToString();
        });
    }
}
