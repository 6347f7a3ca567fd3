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
        new("hub.internal_url", ConfigType.Url, "\"http://127.0.0.1:8081\"", "With TLS: a loopback address where users' servers reach the hub's API."),
        new("tls.mode", ConfigType.Choice, "\"auto\"", "\"auto\": Let's Encrypt (ACME) when a domain is set, else plain HTTP; \"manual\": tls.cert and tls.key files (reloaded when they change); \"self-signed\"; \"off\": plain HTTP behind another proxy.", ["auto", "manual", "self-signed", "off"]),
        new("tls.email", ConfigType.Text, "\"\"", "Contact address for the certificate authority (expiry warnings)."),
        new("tls.cert", ConfigType.Path, "\"\"", "tls.mode \"manual\": PEM certificate chain file."),
        new("tls.key", ConfigType.Path, "\"\"", "tls.mode \"manual\": PEM private key file."),
        new("acme.directory", ConfigType.Url, $"\"{LetsEncrypt}\"", "The ACME directory URL: Let's Encrypt production by default; any RFC 8555 CA (staging, a campus CA)."),
        new("acme.ca_root", ConfigType.Path, "\"\"", "A PEM root to trust for the ACME server's own HTTPS (a private CA, tests)."),
        new("data_dir", ConfigType.Path, "\"/var/lib/classhub\"", "State: database, certificates, logs, assignment releases."),
        new("idle_timeout", ConfigType.Seconds, "3600", "Stop a user's server after this many seconds without activity; 0 never stops idle servers."),
        new("cull_interval", ConfigType.Seconds, "60", "How often to look for idle servers, in seconds."),
        new("start_timeout", ConfigType.Seconds, "60", "Give up on a server that is not answering this many seconds after it was started."),
        new("spawner.kind", ConfigType.Choice, "\"auto\"", "Where servers run: \"auto\" (systemd units when systemd runs the machine, else local processes), \"local-process\", \"systemd\".", ["auto", "local-process", "systemd"]),
        new("spawner.command", ConfigType.TextList, "[\"jupyterhub-singleuser\"]", "The single-user server command; --ip and --port are added."),
        new("spawner.memory_limit", ConfigType.Text, "\"\"", "Memory limit per server, e.g. \"2G\" (systemd spawner); empty for none."),
        new("spawner.cpu_limit", ConfigType.Text, "\"\"", "CPU limit per server in cores, e.g. \"1.5\" (systemd spawner); empty for none."),
        new("spawner.tasks_limit", ConfigType.Integer, "0", "Maximum processes and threads per server; 0 for no limit."),

        // Assignments (issue 6)
        new("assignments.max_push_mb", ConfigType.Integer, "1024", "Largest assignment push (folder or unpacked .zip) in MB; a bigger push is refused whole."),
        new("assignments.max_submission_mb", ConfigType.Integer, "200", "Largest submission snapshot in MB; a bigger one is refused."),
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
