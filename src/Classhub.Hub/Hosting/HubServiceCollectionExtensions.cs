using Classhub.Core.Auth;
using Classhub.Hub.Accounts;
using Classhub.Hub.Api;
using Classhub.Hub.Assignments;
using Classhub.Hub.Auth;
using Classhub.Hub.Changes;
using Classhub.Hub.Courses;
using Classhub.Hub.Datasets;
using Classhub.Hub.Health;
using Classhub.Hub.Metrics;
using Classhub.Hub.Usage;
using Classhub.Hub.OAuth;
using Classhub.Hub.Pages;
using Classhub.Hub.Proxying;
using Classhub.Hub.Servers;
using Classhub.Hub.StudentFiles;
using Classhub.Hub.UserOrigin;
using Classhub.Hub.Web;
using Classhub.Storage.Database;
using Classhub.Storage.Invites;
using Classhub.Storage.OAuth;
using Classhub.Storage.Servers;
using Classhub.Storage.Sessions;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Classhub.Hub.Hosting;

/// <summary>The hub's parts (the map of its components) and its URL space.</summary>
internal static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddHubStorage(this IServiceCollection services, HubDatabase database)
    {
        services.AddSingleton(database);
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<InviteStore>();
        services.AddSingleton<ServerStore>();
        services.AddSingleton<OAuthStore>();
        services.AddCourseStorage();
        services.AddAssignmentStorage();
        return services;
    }

    public static IServiceCollection AddHub(this IServiceCollection services, HubOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ChangeWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeWatcher>());

        services.AddSingleton(new PasswordHasher(options.PasswordIterations));
        services.AddSingleton(_ => new KdfThreads(options.KdfThreads));
        services.AddSingleton(sp => new SignInQueue(options.KdfThreads, options.SignInQueueLimit, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuthenticator, LocalAuthenticator>();
        services.AddSingleton<LoginRateLimiter>();
        services.AddSingleton<SignInDevices>();
        services.AddSingleton<LoginPipeline>();
        services.TryAddSingleton(new SignInOptions());
        services.AddSingleton<ExternalAttemptStore>();
        services.AddSingleton<HubCookies>();
        services.AddSingleton<Csrf>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<ServerAccess>();

        services.AddSingleton<ReadinessProbe>();
        services.AddAccounts(options);
        services.AddSingleton<ServerManager>();
        services.AddSingleton<IdleCuller>();
        services.AddHostedService<HubStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleCuller>());
        services.AddSingleton<ProxyGate>();

        services.AddSingleton<ApiCaller>();
        services.AddSingleton<RootEndpoints>();
        services.AddSingleton<UsersEndpoints>();
        services.AddSingleton<ServerEndpoints>();
        services.AddSingleton<TokenEndpoints>();
        services.AddSingleton<ActivityEndpoints>();
        services.AddSingleton<ServerAddressEndpoints>();
        services.AddSingleton<OAuthEndpoints>();
        services.AddSingleton<DiskSpace>();
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton<HubMetrics>();
        services.AddSingleton<UsageHistory>();
        services.AddSingleton<UsageSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageSampler>());
        services.AddSingleton<MetricsEndpoints>();

        services.AddSingleton<PageRenderer>();
        services.AddSingleton<FormGuard>();
        services.AddSingleton<LoginEndpoints>();
        services.AddSingleton<ExternalLoginEndpoints>();
        services.AddSingleton<InviteEndpoints>();
        services.AddSingleton<HomeEndpoints>();
        services.AddSingleton<AdminEndpoints>();
        services.AddSingleton<StudentFilesAccess>();
        services.AddSingleton<StudentFilesEndpoints>();
        services.AddSingleton<UserServerOrigin>();
        services.AddSingleton<OriginSignIn>();
        services.AddCourses();
        services.AddDatasets(options);
        services.AddAssignments();
        return services;
    }

    public static IEndpointRouteBuilder MapHub(this IEndpointRouteBuilder routes)
    {
        var app = routes.MapGroup("");
        app.WithMetadata(BodyLimit.Default);
        RootEndpoints.Map(app);
        UsersEndpoints.Map(app);
        ServerEndpoints.Map(app);
        TokenEndpoints.Map(app);
        ActivityEndpoints.Map(app);
        ServerAddressEndpoints.Map(app);
        OAuthEndpoints.Map(app);
        HealthEndpoints.Map(app);
        MetricsEndpoints.Map(app);
        LoginEndpoints.Map(app);
        ExternalLoginEndpoints.Map(app);
        InviteEndpoints.Map(app);
        HomeEndpoints.Map(app);
        AdminEndpoints.Map(app);
        StudentFilesEndpoints.Map(app);
        OriginSignIn.Map(app);
        app.MapCourses();
        app.MapDatasets();
        app.MapAssignments();
        StaticAssets.Map(app);
        return routes;
    }
}
