using System.Net;
using Classhub.Cli;
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

    public string SpawnerKind { get; init; } = "auto";

    public IReadOnlyList<string> ServerCommand { get; init; } = ["jupyterhub-singleuser"];

    public string MemoryLimit { get; init; } = "";

    public string CpuLimit { get; init; } = "";

    public int TasksLimit { get; init; }

    /// <summary>Slurm courses: how to reach Slurm and the hub-wide job settings.</summary>
    public SlurmSpawnerOptions Slurm { get; init; } = new();

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

        if (SlurmDefaults(config).Problem() is { } slurmProblem)
        {
            yield return new ConfigProblem($"{where}, keys 'slurm.*'", slurmProblem, "use Slurm's own syntax, e.g. slurm.memory \"4G\", slurm.time_limit \"8:00:00\"");
        }

        if (ListenAddress.Parse(config.Text("urls")).Problem is { } urlProblem)
        {
            yield return new ConfigProblem($"{where}, key 'urls'", urlProblem.Replace("--urls: ", "", StringComparison.Ordinal), "write it like http://0.0.0.0:8000");
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

    public static (ServePlan? Plan, IReadOnlyList<ConfigProblem> Problems) From(ServeSettings flags, HubConfig config)
    {
        var problems = config.Problems.Concat(Validate(config, flags.DataDir)).ToList();
        if (problems.Count > 0)
        {
            return (null, problems);
        }

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

        var https = IPEndPoint.Parse(config.Text("listen.https"));
        var internalUrl = tls == TlsMode.Off ? ListenAddress.Internal(plain[0]) : new Uri(config.Text("hub.internal_url"));
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
            HttpEndpoint = IPEndPoint.Parse(config.Text("listen.http")),
            HttpsEndpoint = https,
            InternalUrl = internalUrl,
            PublicUrl = publicUrl,
            Domains = domain.Length > 0 ? [domain, .. config.TextList("extra_domains")] : [],
            Email = config.Text("tls.email"),
            AcmeDirectory = config.Text("acme.directory"),
            CaRoot = config.Text("acme.ca_root"),
            CertPath = config.Text("tls.cert"),
            KeyPath = config.Text("tls.key"),
            IdleTimeout = flags.IdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : config.Seconds("idle_timeout"),
            CullInterval = flags.CullIntervalSeconds is { } cull and > 0 ? TimeSpan.FromSeconds(cull) : config.Seconds("cull_interval") is { TotalSeconds: > 0 } c ? c : TimeSpan.FromMinutes(1),
            StartTimeout = flags.StartTimeoutSeconds is { } start and > 0 ? TimeSpan.FromSeconds(start) : config.Seconds("start_timeout") is { TotalSeconds: > 0 } s ? s : TimeSpan.FromSeconds(60),
            SpawnerKind = config.Text("spawner.kind"),
            ServerCommand = config.TextList("spawner.command") is { Count: > 0 } command ? command : ["jupyterhub-singleuser"],
            MemoryLimit = config.Text("spawner.memory_limit"),
            CpuLimit = config.Text("spawner.cpu_limit"),
            TasksLimit = config.Integer("spawner.tasks_limit"),
            Slurm = SlurmFrom(config, internalUrl),
            TrustedProxies = TrustedProxies.Parse(config.TextList("trusted_proxies")).Proxies,
            DatasetRoots = config.TextList("datasets.roots"),
        }, []);
    }

    private static SlurmJobSettings SlurmDefaults(HubConfig config) => new(
        config.Text("slurm.partition"), config.Text("slurm.time_limit"), config.Text("slurm.memory"), config.Integer("slurm.cpus"), config.Integer("slurm.gpus"));

    private static SlurmSpawnerOptions SlurmFrom(HubConfig config, Uri internalUrl) => new()
    {
        Defaults = SlurmDefaults(config),
        QueueTimeout = config.Seconds("slurm.queue_timeout") is { TotalSeconds: > 0 } queue ? queue : TimeSpan.FromMinutes(30),
        ConnectUrl = config.Text("hub.connect_url") is { Length: > 0 } connect ? new Uri(connect) : internalUrl,
    };
}
