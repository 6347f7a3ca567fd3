using Classhub.Hub.Hosting;
using Classhub.Storage.Invites;
using Classhub.Storage.Users;

namespace Classhub.Composition;

/// <summary>
/// <c>serve --dev</c>: a demo user (an admin, so the newcomer sees every page) and a fresh one-time sign-in link,
/// printed with the URL.
/// </summary>
internal static class DevDefaults
{
    public const string DemoUser = "demo";

    public static void Apply(IServiceProvider services, HubOptions options)
    {
        var users = services.GetRequiredService<UserStore>();
        var invites = services.GetRequiredService<InviteStore>();
        var demo = users.Find(DemoUser) ?? users.Add(DemoUser, admin: true)!;
        var code = invites.Create(demo.Id, TimeSpan.FromDays(7));
        Console.WriteLine($"Development mode. Open {options.PublicUrl}");
        Console.WriteLine($"Sign in as '{DemoUser}' by choosing a password here: {new Uri(options.PublicUrl, $"hub/invite/{code}")}");
        if (options.RunAsUnixUsers)
        {
            Console.WriteLine("Running as root: each user's server runs as a Unix account classhub creates for them on first start; an existing account of the same name is used only after 'classhub user link NAME'.");
        }
    }
}
