using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Assignments;

/// <summary>The assignments feature. The executable registers <see cref="Core.Users.IUnixAccounts"/> and <see cref="AssignmentOptions"/>.</summary>
internal static class AssignmentServiceCollectionExtensions
{
    public static IServiceCollection AddAssignmentStorage(this IServiceCollection services)
    {
        services.AddSingleton<AssignmentStore>();
        services.AddSingleton<DeliveryTaskStore>();
        return services;
    }

    public static IServiceCollection AddAssignments(this IServiceCollection services)
    {
        // The hub's claim on the work it starts: only one hub serves a data dir (see ProcessClaim).
        services.AddSingleton(_ => ProcessClaim.ForHub());
        services.AddSingleton<StagingArea>();
        services.AddSingleton<AssignmentPublisher>();
        services.AddSingleton<AssignmentDelivery>();
        services.AddSingleton<SubmissionTaker>();
        services.AddSingleton<FeedbackReturner>();
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddSingleton<AssignmentPage>();
        services.AddSingleton<AssignmentStaffEndpoints>();
        services.AddSingleton<AssignmentApiEndpoints>();
        return services;
    }

    public static IEndpointRouteBuilder MapAssignments(this IEndpointRouteBuilder app)
    {
        AssignmentPage.Map(app);
        AssignmentStaffEndpoints.Map(app);
        AssignmentApiEndpoints.Map(app);
        return app;
    }
}
