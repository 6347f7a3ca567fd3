namespace Classhub.Configuration;

/// <summary>
/// Every key of <c>/etc/classhub/classhub.json</c>. The documented default file, <c>config check</c>, <c>config get</c>
/// and <c>config set</c> all come from this one table, so the docs cannot drift from what the hub reads.
/// </summary>
internal static class ConfigSchema
{
    public const string DefaultPath = "/etc/classhub/classhub.json";
    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";

    public static readonly IReadOnlyList<ConfigKey> Keys =
    [
        new("domain", ConfigType.Text, "\"\"", "The hub's public DNS name, e.g. \"hub.example.edu\". With a domain, HTTPS is automatic (see tls.mode)."),
        new("extra_domains", ConfigType.TextList, "[]", "More names for the same certificate, e.g. [\"jupyter.example.edu\"]."),
        new("public_url", ConfigType.Url, "\"\"", "The URL people use, for printed links. Default: https://DOMAIN/ with a domain, else the first of urls."),
        new("urls", ConfigType.Text, "\"http://0.0.0.0:8000\"", "Where to listen with plain HTTP when there is no domain or tls.mode is \"off\"; several separated by ';'."),
        new("listen.http", ConfigType.Text, "\"0.0.0.0:80\"", "With TLS: where to answer ACME http-01 challenges and redirect everything else to HTTPS."),
        new("listen.https", ConfigType.Text, "\"0.0.0.0:443\"", "With TLS: where to serve HTTPS."),
        new("trusted_proxies", ConfigType.TextList, "[]", "Reverse proxies in front of the hub (e.g. with tls.mode \"off\"), as addresses or CIDR ranges, e.g. [\"10.0.0.2\"] or [\"10.0.0.0/24\"]. Only a request from one of them may say who the client is (X-Forwarded-For; the right-most address that is not a trusted proxy), for the sign-in limits and the X-Forwarded-For users' servers see. Empty: the header is ignored. Trusting 127.0.0.1 trusts every local account, students included, to name its own address."),
        new("hub.internal_url", ConfigType.Url, "\"http://127.0.0.1:8081\"", "With TLS: a loopback address where users' servers reach the hub's API."),
        new("tls.mode", ConfigType.Choice, "\"auto\"", "\"auto\": Let's Encrypt (ACME) when a domain is set, else plain HTTP; \"manual\": tls.cert and tls.key files (reloaded when they change); \"self-signed\"; \"off\": plain HTTP behind another proxy.", ["auto", "manual", "self-signed", "off"]),
        new("tls.email", ConfigType.Text, "\"\"", "Contact address for the certificate authority (expiry warnings)."),
        new("tls.cert", ConfigType.Path, "\"\"", "tls.mode \"manual\": PEM certificate chain file."),
        new("tls.key", ConfigType.Path, "\"\"", "tls.mode \"manual\": PEM private key file."),
        new("acme.directory", ConfigType.Url, $"\"{LetsEncrypt}\"", "The ACME directory URL: Let's Encrypt production by default; any RFC 8555 CA (staging, a campus CA)."),
        new("acme.ca_root", ConfigType.Path, "\"\"", "A PEM root to trust for the ACME server's own HTTPS (a private CA, tests)."),
        new("data_dir", ConfigType.Path, "\"/var/lib/classhub\"", "State: database, certificates, logs, assignment releases."),
        new("idle_timeout", ConfigType.Seconds, "3600", "Stop a user's server after this many seconds without activity; 0 never stops idle servers."),
        new("cull_interval", ConfigType.Seconds, "60", "How often to look for idle servers, in seconds (at least 1; to never stop idle servers set idle_timeout to 0).") { Minimum = 1 },
        new("start_timeout", ConfigType.Seconds, "60", "Give up on a server that is not answering this many seconds after it was started (at least 1).") { Minimum = 1 },
        new("health.min_free_mb", ConfigType.Integer, "1024", "/hub/health says \"degraded\" (still HTTP 200) when the data_dir's disk has less than this many MB free; a full disk stops sign-ins, uploads and submissions."),
        new("spawner.kind", ConfigType.Choice, "\"auto\"", "Where servers run: \"auto\" (systemd units when systemd runs the machine, else local processes), \"local-process\", \"systemd\".", ["auto", "local-process", "systemd"]),
        new("spawner.command", ConfigType.TextList, "[\"jupyterhub-singleuser\"]", "The single-user server command; --ip and --port are added."),
        new("spawner.memory_limit", ConfigType.Text, "\"\"", "Memory limit per server, e.g. \"2G\" (systemd spawner); empty for none."),
        new("spawner.cpu_limit", ConfigType.Text, "\"\"", "CPU limit per server in cores, e.g. \"1.5\" (systemd spawner); empty for none."),
        new("spawner.tasks_limit", ConfigType.Integer, "0", "Maximum processes and threads per server; 0 for no limit."),
        // Unix accounts (issue 23): servers run only as accounts classhub created or an admin linked (`classhub user link`), and never as these.
        new("accounts.uid_min", ConfigType.Integer, "1000", "Lowest uid a server may run as (and classhub's useradd may give); accounts below it (system accounts) are never used, even when linked."),
        new("accounts.uid_max", ConfigType.Integer, "60000", "Highest uid a server may run as (and classhub's useradd may give)."),
        new("accounts.privileged_groups", ConfigType.TextList, "[\"admin\", \"staff\", \"docker\", \"lxd\", \"libvirt\", \"disk\", \"kmem\", \"shadow\"]", "Members of these groups are never used for servers, even when linked; root, sudo, adm and wheel (and gid 0) are refused whatever this says."),

        new("datasets.roots", ConfigType.TextList, "[\"/srv\"]", "Folders course staff (instructors, TAs) may share as datasets, with everything inside them. Admins may share any folder but the system ones: /, /etc, /root, /home, /proc, /sys, /dev, /boot, /run and the data directory (nor may a root be one of those)."),

        // Slurm spawner (issue 12): courses set with `classhub course set COURSE --spawner slurm` run servers as cluster jobs.
        new("hub.connect_url", ConfigType.Url, "\"\"", "The hub's URL as cluster nodes reach it, e.g. \"http://hub.cluster.example.edu:8081\"; empty: hub.internal_url (only right when jobs run on the hub machine)."),
        new("slurm.partition", ConfigType.Text, "\"\"", "Slurm partition for servers (sbatch --partition); empty: the cluster's default. A course can override it."),
        new("slurm.time_limit", ConfigType.Text, "\"\"", "Slurm time limit per server, e.g. \"8:00:00\" (sbatch --time); empty: the partition's default."),
        new("slurm.memory", ConfigType.Text, "\"\"", "Memory per server, e.g. \"4G\" (sbatch --mem); empty: the cluster's default."),
        new("slurm.cpus", ConfigType.Integer, "0", "CPUs per server (sbatch --cpus-per-task); 0: the cluster's default."),
        new("slurm.gpus", ConfigType.Integer, "0", "GPUs per server (sbatch --gres=gpu:N); 0: none."),
        new("slurm.queue_timeout", ConfigType.Seconds, "1800", "Give up on a server whose job waited this many seconds in the queue (start_timeout counts once it runs; at least 1).") { Minimum = 1 },
        // sign-in (issue 11): authenticators, who may sign in, and the providers' settings. Secrets come from a 0600 file
        // (*_secret_file) or from this file when it is itself 0600; they are never logged.
        new("auth.methods", ConfigType.TextList, "[\"local\"]", "Sign-in methods, in order: \"local\" (hub passwords, invite links), \"pam\" (the server's own accounts), \"oidc\" (campus identity provider), \"github\". The login page shows a button per external provider."),
        new("auth.allowed_users", ConfigType.TextList, "[]", "User names that may sign in even without a hub account yet (with auth.new_users \"create-allowed\")."),
        new("auth.new_users", ConfigType.Choice, "\"refuse\"", "A person who signs in (PAM, OIDC, GitHub) with no hub user: \"refuse\" (default; an admin, invite or roster import creates users), or \"create-allowed\": create the user when in auth.allowed_users, or admitted by auth.oidc.allowed_domains (verified e-mail) or auth.github.org.", ["refuse", "create-allowed"]),
        new("auth.pam.service", ConfigType.Text, "\"classhub\"", "PAM service (a file in /etc/pam.d) for \"pam\" sign-in: the package ships /etc/pam.d/classhub (common-auth + common-account); without that file PAM uses /etc/pam.d/other."),
        new("auth.oidc.issuer", ConfigType.Url, "\"\"", "OIDC issuer URL, e.g. https://accounts.google.com, https://login.microsoftonline.com/TENANT/v2.0, https://keycloak.example.edu/realms/school. Its /.well-known/openid-configuration is read."),
        new("auth.oidc.client_id", ConfigType.Text, "\"\"", "The client id registered at the identity provider (redirect URI: PUBLIC_URL/hub/oauth/oidc/callback)."),
        new("auth.oidc.client_secret", ConfigType.Text, "\"\"", "The client secret; only when this file is mode 0600. Prefer auth.oidc.client_secret_file."),
        new("auth.oidc.client_secret_file", ConfigType.Path, "\"\"", "A file (mode 0600) holding the client secret."),
        new("auth.oidc.allowed_domains", ConfigType.TextList, "[]", "E-mail domains that may sign in, e.g. [\"school.edu\"]; checked on the email claim only when email_verified is true (never on hd alone)."),
        new("auth.oidc.username_claim", ConfigType.Text, "\"preferred_username\"", "The claim that becomes the user name (same rules as roster import): \"preferred_username\", \"email\" (its local part; must be verified), \"sub\" ..."),
        new("auth.oidc.button", ConfigType.Text, "\"Sign in with your school account\"", "The login page's button text for the identity provider."),
        new("auth.github.client_id", ConfigType.Text, "\"\"", "The GitHub OAuth app's client id (callback URL: PUBLIC_URL/hub/oauth/github/callback)."),
        new("auth.github.client_secret", ConfigType.Text, "\"\"", "The GitHub OAuth app's secret; only when this file is mode 0600. Prefer auth.github.client_secret_file."),
        new("auth.github.client_secret_file", ConfigType.Path, "\"\"", "A file (mode 0600) holding the GitHub OAuth app's secret."),
        new("auth.github.org", ConfigType.Text, "\"\"", "Only members of this GitHub organisation may sign in (empty: any GitHub account the hub knows)."),
        new("auth.github.team", ConfigType.Text, "\"\"", "With auth.github.org: only members of this team (slug)."),
        new("auth.github.url", ConfigType.Url, "\"https://github.com\"", "GitHub's web address (GitHub Enterprise Server: your server)."),
        new("auth.github.api_url", ConfigType.Url, "\"https://api.github.com\"", "GitHub's REST API (GitHub Enterprise Server: https://HOST/api/v3)."),
        // Users' servers and staff (issue 23): a server runs its owner's code and its pages run its owner's scripts, so by
        // default nobody else opens it; staff look at students' files in the hub's read-only viewer.
        new("user_servers.host", ConfigType.Text, "\"\"", "Serve users' servers from a host name of their own, apart from the hub's pages, e.g. \"users.hub.example.edu\", or one per user: \"{user}.users.hub.example.edu\". The name(s) must resolve to this machine; with tls.mode \"auto\" a single name is added to the certificate, a {user} pattern needs a wildcard certificate (tls.mode \"manual\"). Empty: servers are at /user/NAME/ on the hub's own host."),
        new("admin_access", ConfigType.Boolean, "false", "Let admins open and use other users' live servers (JupyterHub's admin_access). Needs user_servers.host: on the hub's own host a student's scripts would run with the admin's hub session."),
        // Assignments (issue 6)
        new("assignments.max_push_mb", ConfigType.Integer, "1024", "Largest assignment push (folder or unpacked .zip) in MB; a bigger push is refused whole."),
        new("assignments.max_submission_mb", ConfigType.Integer, "200", "Largest submission snapshot in MB (the files' sizes when the hub opens them; no more than that is copied); a bigger one is refused."),
        new("assignments.keep_submissions", ConfigType.Integer, "5", "Submissions kept per student and assignment: the newest ones (the latest, which is graded, always); older ones are deleted when a student submits again. 0 keeps every one."),
    ];

    public static ConfigKey? Find(string name) => Keys.FirstOrDefault(k => k.Name == name);

    /// <summary>The closest known key, for "did you mean" in error messages.</summary>
    public static string? Suggest(string name) =>
        Keys.Select(k => (k.Name, Distance: Levenshtein(k.Name, name))).Where(x => x.Distance <= 3).OrderBy(x => x.Distance).Select(x => x.Name).FirstOrDefault();

    private static int Levenshtein(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
