using Classhub.Core.Users;

namespace Classhub.Hub.Hosting;

/// <summary>Everything the hub needs to know about where and how it runs. Built by the executable from flags and config.</summary>
internal sealed record HubOptions
{
    /// <summary>State directory (database, logs).</summary>
    public required string DataDir { get; init; }

    /// <summary>Development mode: local state, plain HTTP on loopback, servers as the invoking user when not root.</summary>
    public bool Dev { get; init; }

    /// <summary>Where people reach the hub, e.g. http://127.0.0.1:8000 (used in printed links).</summary>
    public required Uri PublicUrl { get; init; }

    /// <summary>Where single-user servers reach the hub's API (loopback), e.g. http://127.0.0.1:8000.</summary>
    public required Uri InternalUrl { get; init; }

    /// <summary>Run servers as each user's Unix account (root; see <see cref="Accounts.AccountBinder"/>), or as the hub's own user.</summary>
    public bool RunAsUnixUsers { get; init; }

    /// <summary>Which Unix accounts servers may run as at all (accounts.uid_min, accounts.uid_max, accounts.privileged_groups).</summary>
    public AccountRules Accounts { get; init; } = new();

    /// <summary>The single-user command; the spawner appends --ip/--port.</summary>
    public IReadOnlyList<string> ServerCommand { get; init; } = ["jupyterhub-singleuser"];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an API POST to start a server waits before answering 202 instead of 201.</summary>
    public TimeSpan SlowSpawnTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Servers with no activity for this long are stopped. Zero turns culling off.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan CullInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Below this much free space on the data dir's disk, /hub/health says "degraded" (config: health.min_free_mb).</summary>
    public long MinFreeBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP 2023: at least 600,000).</summary>
    public int PasswordIterations { get; init; } = Auth.PasswordHasher.DefaultIterations;

    /// <summary>How long failed sign-ins are remembered by the limits (<see cref="Auth.LoginRateLimiter"/>).</summary>
    public TimeSpan LoginWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures per user name and address before each further try waits <see cref="LoginFirstDelay"/>, then twice as long each time.</summary>
    public int LoginFreeFailures { get; init; } = 5;

    /// <summary>The first wait of the guessing rule (5 s, 10 s, 20 s ...).</summary>
    public TimeSpan LoginFirstDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait the guessing rule asks for.</summary>
    public TimeSpan LoginMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Names with failures (and no sign-in since) one address may have, plus one per name that signed in from it.</summary>
    public int LoginSprayNames { get; init; } = 30;

    /// <summary>Failures on one name, from all addresses, past which addresses the user never signed in from are slowed down.</summary>
    public int LoginUserFailuresUnderAttack { get; init; } = 30;

    /// <summary>Under attack, how often an address the user never signed in from may try that name.</summary>
    public TimeSpan LoginUnderAttackInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an address the user signed in from stays exempt from other addresses' failures.</summary>
    public TimeSpan LoginKnownAddressLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Password checks (KDF) running at once: one dedicated thread each (<see cref="Auth.KdfThreads"/>).</summary>
    public int KdfThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Sign-ins (and invite redemptions) that may wait for a password check; more get 503 with Retry-After.</summary>
    public int SignInQueueLimit { get; init; } = 500;

    /// <summary>
    /// Folders course staff may share datasets from (datasets.roots, resolved); admins may share any folder that is not
    /// a system folder (<see cref="Datasets.DatasetPolicy"/>).
    /// </summary>
    public IReadOnlyList<string> DatasetRoots { get; init; } = ["/srv"];

    /// <summary>
    /// Admins may open other users' live servers (JupyterHub's <c>admin_access</c>); off by default. The executable turns
    /// it on only with <see cref="UserServersHost"/>, an origin of their own, where their scripts cannot reach the hub's pages.
    /// </summary>
    public bool AdminAccess { get; init; }

    /// <summary>user_servers.host: the host name, or <c>{user}.…</c> pattern, users' servers are served from; empty: the hub's own host.</summary>
    public string UserServersHost { get; init; } = "";

    public string LogDir => Path.Combine(DataDir, "logs");

    public bool SecureCookies => PublicUrl.Scheme == Uri.UriSchemeHttps;
}
