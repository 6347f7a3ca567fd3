using Classhub.Configuration;
using Classhub.Core.Auth;
using Classhub.Core.Users;
using Classhub.Hub.Auth;
using Classhub.Hub.Auth.GitHub;
using Classhub.Hub.Auth.Oidc;
using Classhub.Hub.Auth.Pam;

namespace Classhub.Composition;

/// <summary>
/// Sign-in from the auth.* keys: which authenticators run (auth.methods), who may sign in (auth.allowed_users,
/// auth.new_users) and each provider's settings. Every problem is reported at once, with its fix; a client secret
/// in a config file that others can read refuses start-up.
/// </summary>
internal static class AuthRegistration
{
    private static readonly string[] Known = ["local", "pam", "oidc", "github"];

    public static IReadOnlyList<ConfigProblem> AddSignIn(this IServiceCollection services, HubConfig config)
    {
        var where = config.Path ?? "configuration";
        var problems = new List<ConfigProblem>();
        var methods = config.TextList("auth.methods").Select(m => m.Trim().ToLowerInvariant()).Distinct().ToList();
        foreach (var unknown in methods.Where(m => !Known.Contains(m)))
        {
            problems.Add(new ConfigProblem($"{where}, key 'auth.methods'", $"'{unknown}' is not a sign-in method", $"use some of {string.Join(", ", Known.Select(k => $"\"{k}\""))}"));
        }

        if (methods.Count == 0)
        {
            problems.Add(new ConfigProblem($"{where}, key 'auth.methods'", "no sign-in method is enabled", "set auth.methods to [\"local\"] or another method"));
        }

        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in config.TextList("auth.allowed_users"))
        {
            var name = UserName.Normalize(raw);
            if (UserName.Problem(name) is { } problem)
            {
                problems.Add(new ConfigProblem($"{where}, key 'auth.allowed_users'", problem, "list hub user names (the same rules as roster import)"));
                continue;
            }

            allowed.Add(name);
        }

        services.AddSingleton(new SignInOptions
        {
            Methods = methods,
            AllowedUsers = allowed,
            CreateUnknownUsers = config.Text("auth.new_users") == "create-allowed",
        });

        if (methods.Contains("pam"))
        {
            services.AddSingleton(new PamOptions(config.Text("auth.pam.service") is { Length: > 0 } service ? service : "classhub"));
            services.AddSingleton<IAuthenticator, PamAuthenticator>();
        }

        if (methods.Contains("oidc") || methods.Contains("github"))
        {
            services.AddSingleton(SignInHttp.Create());
        }

        if (methods.Contains("oidc"))
        {
            AddOidc(services, config, where, problems);
        }

        if (methods.Contains("github"))
        {
            AddGitHub(services, config, where, problems);
        }

        return problems;
    }

    private static void AddOidc(IServiceCollection services, HubConfig config, string where, List<ConfigProblem> problems)
    {
        var issuer = config.Text("auth.oidc.issuer");
        var clientId = config.Text("auth.oidc.client_id");
        Require(issuer, "auth.oidc.issuer", "the identity provider's issuer URL", where, problems);
        Require(clientId, "auth.oidc.client_id", "the client id registered at the identity provider", where, problems);
        var secret = Secret(config, "auth.oidc", where, problems);
        var claim = config.Text("auth.oidc.username_claim");
        var options = new OidcOptions
        {
            Issuer = issuer,
            ClientId = clientId,
            ClientSecret = secret ?? "",
            AllowedDomains = [.. config.TextList("auth.oidc.allowed_domains").Select(d => d.Trim().TrimStart('@').ToLowerInvariant()).Where(d => d.Length > 0)],
            UsernameClaim = claim.Length > 0 ? claim : "preferred_username",
            ButtonText = config.Text("auth.oidc.button") is { Length: > 0 } button ? button : "Sign in with your school account",
        };
        services.AddSingleton(options);
        services.AddSingleton<OidcProvider>();
        services.AddSingleton<IExternalAuthenticator, OidcAuthenticator>();
    }

    private static void AddGitHub(IServiceCollection services, HubConfig config, string where, List<ConfigProblem> problems)
    {
        var clientId = config.Text("auth.github.client_id");
        Require(clientId, "auth.github.client_id", "the GitHub OAuth app's client id", where, problems);
        var secret = Secret(config, "auth.github", where, problems);
        var team = config.Text("auth.github.team");
        var org = config.Text("auth.github.org");
        if (team.Length > 0 && org.Length == 0)
        {
            problems.Add(new ConfigProblem($"{where}, key 'auth.github.team'", "a team is set without its organisation", "set auth.github.org too"));
        }

        services.AddSingleton(new GitHubOptions
        {
            ClientId = clientId,
            ClientSecret = secret ?? "",
            Organization = org,
            Team = team,
            WebUrl = Slash(config.Text("auth.github.url")),
            ApiUrl = Slash(config.Text("auth.github.api_url")),
        });
        services.AddSingleton<IExternalAuthenticator, GitHubAuthenticator>();
    }

    /// <summary>The client secret from PREFIX.client_secret_file (mode 0600) or PREFIX.client_secret when the config file is 0600.</summary>
    internal static string? Secret(HubConfig config, string prefix, string where, List<ConfigProblem> problems)
    {
        var inline = config.Text($"{prefix}.client_secret");
        var file = config.Text($"{prefix}.client_secret_file");
        if (inline.Length > 0 && file.Length > 0)
        {
            problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret'", "both client_secret and client_secret_file are set", $"keep only {prefix}.client_secret_file"));
            return null;
        }

        if (inline.Length > 0)
        {
            if (config.Path is { } path && OthersCanRead(path))
            {
                problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret'", "a client secret sits in a configuration file that other users can read", $"run 'chmod 600 {path}', or move the secret to a 0600 file named by {prefix}.client_secret_file"));
                return null;
            }

            return inline;
        }

        if (file.Length == 0)
        {
            problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret_file'", "no client secret is set", $"write the secret to a file, 'chmod 600' it, and set {prefix}.client_secret_file to its path"));
            return null;
        }

        if (!File.Exists(file))
        {
            problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret_file'", $"'{file}' does not exist", "create it holding only the client secret, mode 0600"));
            return null;
        }

        if (OthersCanRead(file))
        {
            problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret_file'", $"'{file}' can be read by other users", $"run 'chmod 600 {file}'"));
            return null;
        }

        var secret = File.ReadAllText(file).Trim();
        if (secret.Length == 0)
        {
            problems.Add(new ConfigProblem($"{where}, key '{prefix}.client_secret_file'", $"'{file}' is empty", "write the client secret into it"));
            return null;
        }

        return secret;
    }

    private static bool OthersCanRead(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;

    private static void Require(string value, string key, string what, string where, List<ConfigProblem> problems)
    {
        if (value.Length == 0)
        {
            problems.Add(new ConfigProblem($"{where}, key '{key}'", $"sign-in method needs {what}", $"set {key}"));
        }
    }

    private static Uri Slash(string url) => new(url.EndsWith('/') ? url : url + "/");
}
