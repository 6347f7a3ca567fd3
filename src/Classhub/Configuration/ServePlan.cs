using System.Net;
using Classhub.Cli;
using Classhub.Core.Users;
using Classhub.Hosting;
using Classhub.Hub.Auth;
using Classhub.Hub.Datasets;
using Classhub.Spawning.Slurm;

namespace Classhub.Configuration;

internal enum TlsMode
{
    Off,
    Acme,
    Manual,
    SelfSigned,
}

/// <summary>
/// What <c>serve</c> will do, decided once from the command line (first), the configuration file, and the
/// defaults: where to listen, whether and how to do TLS, the public URL, timeouts and the spawner.
/// </summary>
internal sealed record ServePlan
{
    public required string DataDir { get; init; }

    public bool Dev { get; init; }

    public TlsMode Tls { get; init; }

    /// <summary>Plain-HTTP listen URLs (TLS off).</summary>
    public IReadOnlyList<Uri> PlainUrls { get; init; } = [];

    /// <summary>The addresses <see cref="PlainUrls"/> stand for (a host name resolved once, at start-up).</summary>
    public IReadOnlyList<IPEndPoint> PlainEndpoints { get; init; } = [];

    /// <summary>With TLS: the addresses of <see cref="InternalUrl"/>, where servers on this machine reach the API.</summary>
    public IReadOnlyList<IPEndPoint> InternalEndpoints { get; init; } = [];

    public IPEndPoint? HttpEndpoint { get; init; }

    public IPEndPoint? HttpsEndpoint { get; init; }

    /// <summary>Where servers on this machine reach the hub's API.</summary>
    public required Uri InternalUrl { get; init; }

    public required Uri PublicUrl { get; init; }

    public IReadOnlyList<string> Domains { get; init; } = [];

    public string Email { get; init; } = "";

    public string AcmeDirectory { get; init; } = ConfigSchema.LetsEncrypt;

    public string CaRoot { get; init; } = "";

    public string CertPath { get; init; } = "";

    public string KeyPath { get; init; } = "";

    public TimeSpan IdleTimeout { get; init; }

    public TimeSpan CullInterval { get; init; }

    public TimeSpan StartTimeout { get; init; }

    /// <summary>Below this much free space in the data dir, /hub/health says "degraded".</summary>
    public long MinFreeBytes { get; init; }

    public string SpawnerKind { get; init; } = "auto";

    public IReadOnlyList<string> ServerCommand { get; init; } = ["jupyterhub-singleuser"];

    public string MemoryLimit { get; init; } = "";

    public string CpuLimit { get; init; } = "";

    public int TasksLimit { get; init; }

    /// <summary>user_servers.host: the host name (or {user} pattern) users' servers are served from; empty: the hub's own.</summary>
    public string UserServersHost { get; init; } = "";

    /// <summary>admin_access: admins may use others' servers (only with <see cref="UserServersHost"/>).</summary>
    public bool AdminAccess { get; init; }

    /// <summary>Slurm courses: how to reach Slurm and the hub-wide job settings.</summary>
    public SlurmSpawnerOptions Slurm { get; init; } = new();

    /// <summary>Which Unix accounts servers may run as at all (accounts.*).</summary>
    public AccountRules Accounts { get; init; } = new();

    /// <summary>The accounts.* keys as rules; the values are checked by <see cref="Validate"/>.</summary>
    public static AccountRules AccountsFrom(HubConfig config) => new()
    {
        MinUid = (uint)Math.Max(0, config.Integer("accounts.uid_min")),
        MaxUid = (uint)Math.Max(0, config.Integer("accounts.uid_max")),
        PrivilegedGroups = config.TextList("accounts.privileged_groups"),
    };

    /// <summary>trusted_proxies, parsed.</summary>
    public TrustedProxies TrustedProxies { get; init; } = TrustedProxies.None;

    /// <summary>datasets.roots.</summary>
    public IReadOnlyList<string> DatasetRoots { get; init; } = ["/srv"];

    /// <summary>Problems that need more than one key to see (a mode without the files it needs, bad addresses).</summary>
    /// <param name="dataDir">The data directory serve will use, when it is not the file's data_dir (--data-dir).</param>
    public static IEnumerable<ConfigProblem> Validate(HubConfig config, string? dataDir = null)
    {
        var where = config.Path ?? "configuration";
        var mode = config.Text("tls.mode");
        if (mode == "manual")
        {
            foreach (var key in (string[])["tls.cert", "tls.key"])
            {
                var path = config.Text(key);
                if (path.Length == 0 || !File.Exists(path))
                {
                    yield return new ConfigProblem($"{where}, key '{key}'", path.Length == 0 ? "tls.mode is \"manual\" but no file is set" : $"'{path}' does not exist", $"set {key} to an existing PEM file, or tls.mode to \"auto\"");
                }
            }
        }

        if (mode == "auto" && config.Text("domain") is { Length: > 0 } domain && Uri.CheckHostName(domain) != UriHostNameType.Dns)
        {
            yield return new ConfigProblem($"{where}, key 'domain'", $"'{domain}' is not a DNS name", "set domain to the hub's public name, e.g. hub.example.edu");
        }

        foreach (var key in (string[])["listen.http", "listen.https"])
        {
            if (!IPEndPoint.TryParse(config.Text(key), out var endpoint) || endpoint.Port == 0)
            {
                yield return new ConfigProblem($"{where}, key '{key}'", $"'{config.Text(key)}' is not an address:port", "write it like 0.0.0.0:443 or [::]:443");
            }
        }

        foreach (var problem in UserServerProblems(config, where))
        {
            yield return problem;
        }

        if (SlurmDefaults(config).Problem() is { } slurmProblem)
        {
            yield return new ConfigProblem($"{where}, keys 'slurm.*'", slurmProblem, "use Slurm's own syntax, e.g. slurm.memory \"4G\", slurm.time_limit \"8:00:00\"");
        }

        if (ListenAddress.Parse(config.Text("urls")).Problem is { } urlProblem)
        {
            yield return new ConfigProblem($"{where}, key 'urls'", urlProblem.Replace("--urls: ", "", StringComparison.Ordinal), "write it like http://0.0.0.0:8000");
        }

        foreach (var (key, problem, fix) in AccountsFrom(config).Validate())
        {
            yield return new ConfigProblem($"{where}, key '{key}'", problem, fix);
        }

        foreach (var problem in TrustedProxies.Parse(config.TextList("trusted_proxies")).Problems)
        {
            yield return new ConfigProblem($"{where}, key 'trusted_proxies'", problem, "list your reverse proxies' addresses, e.g. [\"10.0.0.2\"], or leave it empty");
        }

        foreach (var root in config.TextList("datasets.roots"))
        {
            if (DatasetPolicy.RootProblem(root, dataDir ?? config.Text("data_dir")) is { } rootProblem)
            {
                yield return new ConfigProblem($"{where}, key 'datasets.roots'", rootProblem, "list folders that hold only data to share, e.g. [\"/srv\"] or [\"/srv\", \"/data\"]");
            }
        }

        if (Composition.SpawnerLimits.Parse(config.Text("spawner.memory_limit"), config.Text("spawner.cpu_limit"), config.Integer("spawner.tasks_limit"), out var limitProblem) is null)
        {
            var (what, fix) = limitProblem!.Split("; ", 2) is [var w, var f] ? (w, f) : (limitProblem, "see the comment in the file");
            yield return new ConfigProblem($"{where}, key '{what.Split(' ')[0]}'", what, fix);
        }
    }

    /// <summary>Problems with what was given on the command line (a value the configuration file could not hold either).</summary>
    public static IEnumerable<ConfigProblem> Validate(ServeSettings flags)
    {
        if (flags.IdleTimeoutSeconds is < 0 and var idle)
        {
            yield return new ConfigProblem("--idle-timeout", $"must be 0 (never stop idle servers) or a number of seconds, not {idle}", "e.g. --idle-timeout 3600, or leave it out for idle_timeout from the configuration");
        }

        if (flags.CullIntervalSeconds is < 1 and var cull)
        {
            yield return new ConfigProblem("--cull-interval", $"must be at least 1 second, not {cull}", "e.g. --cull-interval 60, or leave it out for cull_interval from the configuration; to never stop idle servers use --idle-timeout 0");
        }

        if (flags.StartTimeoutSeconds is < 1 and var start)
        {
            yield return new ConfigProblem("--start-timeout", $"must be at least 1 second, not {start}", "e.g. --start-timeout 60, or leave it out for start_timeout from the configuration");
        }
    }

    /// <param name="flags">What the command line asked for.</param>
    /// <param name="config">The configuration file.</param>
    /// <param name="resolve">Resolves a host name in a listen URL (default: DNS and /etc/hosts).</param>
    public static (ServePlan? Plan, IReadOnlyList<ConfigProblem> Problems) From(ServeSettings flags, HubConfig config, Func<string, IPAddress[]>? resolve = null)
    {
        var problems = config.Problems.Concat(Validate(config, flags.DataDir)).Concat(Validate(flags)).ToList();
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        resolve ??= Dns.GetHostAddresses;

        var domain = config.Text("domain");
        var mode = flags.Dev ? "off" : config.Text("tls.mode");
        var tls = mode switch
        {
            "manual" => TlsMode.Manual,
            "self-signed" => TlsMode.SelfSigned,
            "auto" when domain.Length > 0 => TlsMode.Acme,
            _ => TlsMode.Off,
        };
        if (flags.Urls is not null)
        {
            tls = TlsMode.Off;
        }

        var plainText = flags.Urls ?? (flags.Dev ? "http://127.0.0.1:8000" : config.Text("urls"));
        var (plain, plainProblem) = ListenAddress.Parse(plainText);
        if (plain is null)
        {
            return (null, [new ConfigProblem("--urls", plainProblem!, "write it like http://127.0.0.1:8000")]);
        }

        var where = config.Path ?? "configuration";
        var (plainEndpoints, internalEndpoints) = (new List<IPEndPoint>(), new List<IPEndPoint>());
        var https = IPEndPoint.Parse(config.Text("listen.https"));
        var internalUrl = tls == TlsMode.Off ? ListenAddress.Internal(plain[0]) : new Uri(config.Text("hub.internal_url"));
        foreach (var (url, into, key) in tls == TlsMode.Off
            ? plain.Select(u => (u, plainEndpoints, flags.Urls is null && !flags.Dev ? $"{where}, key 'urls'" : "--urls"))
            : [(internalUrl, internalEndpoints, $"{where}, key 'hub.internal_url'")])
        {
            var (endpoints, problem) = ListenAddress.Resolve(url, resolve);
            if (endpoints is null)
            {
                return (null, [new ConfigProblem(key, problem!, "write it like http://0.0.0.0:8000")]);
            }

            into.AddRange(endpoints);
        }

        var publicText = flags.PublicUrl ?? config.Text("public_url");
        var publicUrl = publicText.Length > 0
            ? new Uri(publicText)
            : tls == TlsMode.Off
                ? ListenAddress.Internal(plain[0])
                : new UriBuilder("https", domain.Length > 0 ? domain : "localhost", https.Port == 443 ? -1 : https.Port).Uri;
        return (new ServePlan
        {
            DataDir = flags.DataDir,
            Dev = flags.Dev,
            Tls = tls,
            PlainUrls = plain,
            PlainEndpoints = plainEndpoints,
            InternalEndpoints = internalEndpoints,
            HttpEndpoint = IPEndPoint.Parse(config.Text("listen.http")),
            HttpsEndpoint = https,
            InternalUrl = internalUrl,
            PublicUrl = publicUrl,
            Domains = domain.Length > 0 ? [domain, .. config.TextList("extra_domains"), .. CertificateNameOf(config.Text("user_servers.host"))] : [],
            Email = config.Text("tls.email"),
            AcmeDirectory = config.Text("acme.directory"),
            CaRoot = config.Text("acme.ca_root"),
            CertPath = config.Text("tls.cert"),
            KeyPath = config.Text("tls.key"),
            IdleTimeout = flags.IdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : config.Seconds("idle_timeout"),
            // Validate refused values below 1 second (flags and file alike), so none is silently replaced here.
            CullInterval = flags.CullIntervalSeconds is { } cull ? TimeSpan.FromSeconds(cull) : config.Seconds("cull_interval"),
            StartTimeout = flags.StartTimeoutSeconds is { } start ? TimeSpan.FromSeconds(start) : config.Seconds("start_timeout"),
            MinFreeBytes = config.Integer("health.min_free_mb") * 1024L * 1024L,
            SpawnerKind = config.Text("spawner.kind"),
            ServerCommand = config.TextList("spawner.command") is { Count: > 0 } command ? command : ["jupyterhub-singleuser"],
            MemoryLimit = config.Text("spawner.memory_limit"),
            CpuLimit = config.Text("spawner.cpu_limit"),
            TasksLimit = config.Integer("spawner.tasks_limit"),
            Slurm = SlurmFrom(config, internalUrl) with { Accounts = AccountsFrom(config) },
            Accounts = AccountsFrom(config),
            UserServersHost = config.Text("user_servers.host"),
            AdminAccess = config.Boolean("admin_access"),
            TrustedProxies = TrustedProxies.Parse(config.TextList("trusted_proxies")).Proxies,
            DatasetRoots = config.TextList("datasets.roots"),
        }, []);
    }

    /// <summary>The user-server host on the hub's certificate: a single name is; a {user} pattern is not (it needs a wildcard, tls.mode "manual").</summary>
    private static IEnumerable<string> CertificateNameOf(string userServersHost) =>
        userServersHost.Length > 0 && !userServersHost.Contains('{', StringComparison.Ordinal) ? [userServersHost.ToLowerInvariant()] : [];

    /// <summary>user_servers.host and admin_access: a name that is not the hub's, a certificate that can cover it, and admin_access only with it.</summary>
    private static IEnumerable<ConfigProblem> UserServerProblems(HubConfig config, string where)
    {
        var host = config.Text("user_servers.host");
        if (config.Boolean("admin_access") && host.Length == 0)
        {
            yield return new ConfigProblem(
                $"{where}, key 'admin_access'",
                "admins would open students' servers on the hub's own host, where a student's scripts act on the hub with the admin's session",
                "set user_servers.host to a host name of their own first (e.g. \"users.hub.example.edu\", or \"{user}.users.hub.example.edu\"; see docs/user-servers.md), or leave admin_access false: staff look at students' files in the viewer (/hub/users/NAME/files/)");
        }

        if (Hub.UserOrigin.UserServerHost.Problem(host) is { } problem)
        {
            yield return new ConfigProblem($"{where}, key 'user_servers.host'", problem, "write a host name, e.g. \"users.hub.example.edu\"");
            yield break;
        }

        if (Hub.UserOrigin.UserServerHost.Parse(host) is not { } parsed)
        {
            yield break;
        }

        var hubHosts = new[] { config.Text("domain"), config.Text("public_url") is { Length: > 0 } url ? new Uri(url).Host : "" };
        if (!parsed.PerUser && hubHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new ConfigProblem($"{where}, key 'user_servers.host'", $"'{host}' is the hub's own host", "use a second name that resolves to this machine, e.g. \"users.hub.example.edu\"");
        }

        var mode = config.Text("tls.mode");
        if (parsed.PerUser && (mode == "self-signed" || (mode == "auto" && config.Text("domain").Length > 0)))
        {
            yield return new ConfigProblem(
                $"{where}, key 'user_servers.host'",
                $"one host per user needs a wildcard certificate for *{host[Hub.UserOrigin.UserServerHost.UserLabel.Length..]}, and Let's Encrypt's http-01 challenge (tls.mode \"auto\") cannot issue one",
                "get a wildcard certificate (DNS-01, or your CA) and set tls.mode \"manual\" with tls.cert and tls.key, or use one host name for all servers (\"users.hub.example.edu\")");
        }
    }

    private static SlurmJobSettings SlurmDefaults(HubConfig config) => new(
        config.Text("slurm.partition"), config.Text("slurm.time_limit"), config.Text("slurm.memory"), config.Integer("slurm.cpus"), config.Integer("slurm.gpus"));

    private static SlurmSpawnerOptions SlurmFrom(HubConfig config, Uri internalUrl) => new()
    {
        Defaults = SlurmDefaults(config),
        QueueTimeout = config.Seconds("slurm.queue_timeout"),
        ConnectUrl = config.Text("hub.connect_url") is { Length: > 0 } connect ? new Uri(connect) : internalUrl,
    };
}
