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
        return services;
    }

    public static IServiceCollection AddAssignments(this IServiceCollection services)
    {
        services.AddSingleton<AssignmentPublisher>();
        services.AddSingleton<AssignmentDelivery>();
        services.AddSingleton<SubmissionTaker>();
        services.AddSingleton<FeedbackReturner>();
        services.AddSingleton<AssignmentCatchUp>();
        services.AddHostedService(sp => sp.GetRequiredService<AssignmentCatchUp>());
        services.AddSingleton<DeliveryJobs>();
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
