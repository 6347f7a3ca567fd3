using Classhub.Hub.Courses.Roster;
using Classhub.Hub.Courses.RosterImport;
using Classhub.Storage.Courses;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Courses;

/// <summary>The courses feature: stores, roster import, the dropped-student enforcer, the course pages and API.</summary>
internal static class CourseServiceCollectionExtensions
{
    public static IServiceCollection AddCourseStorage(this IServiceCollection services)
    {
        services.AddSingleton<CourseStore>();
        services.AddSingleton<RosterStore>();
        return services;
    }

    public static IServiceCollection AddCourses(this IServiceCollection services)
    {
        services.AddSingleton(sp => RosterParser.ForPasswdFile(accountCheck: sp.GetRequiredService<Accounts.AccountBinder>().CheckName));
        services.AddSingleton<RosterImporter>();
        services.AddSingleton<DroppedServerStopper>();
        services.AddHostedService(sp => sp.GetRequiredService<DroppedServerStopper>());
        services.AddSingleton<RosterUploads>();
        services.AddSingleton<CourseEndpoints>();
        services.AddSingleton<CourseApiEndpoints>();
        return services;
    }

    public static IEndpointRouteBuilder MapCourses(this IEndpointRouteBuilder app)
    {
        CourseEndpoints.Map(app);
        CourseApiEndpoints.Map(app);
        return app;
    }
}
