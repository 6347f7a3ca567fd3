using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Storage.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Accounts;

/// <summary>
/// The Unix accounts feature: which account each hub user's server runs as, recorded. The executable registers the
/// <see cref="Core.Users.IAccountDirectory"/> implementation (the password database and useradd).
/// </summary>
internal static class AccountServiceCollectionExtensions
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, HubOptions options)
    {
        services.AddSingleton<UnixAccountStore>();
        services.AddSingleton(sp => new AccountOptions(options.RunAsUnixUsers, options.Accounts, sp.GetRequiredService<SignInOptions>().Methods.Contains("pam")));
        services.AddSingleton<AccountBinder>();
        services.AddHostedService<AccountStartup>();
        return services;
    }
}
