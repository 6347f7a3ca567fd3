using Classhub.Cli;
using Classhub.Configuration;

namespace Classhub.Configuration.Tests;

public sealed class ServePlanTests
{
    private static readonly ServeSettings NoFlags = new("/var/lib/classhub", false, null, null, null, null, null);

    [Fact]
    public void From_NoDomain_PlainHttpOnConfiguredUrls()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Defaults());

        Assert.Empty(problems);
        Assert.Equal(TlsMode.Off, plan!.Tls);
        Assert.Equal(new Uri("http://0.0.0.0:8000"), plan.PlainUrls[0]);
        Assert.Equal(new Uri("http://127.0.0.1:8000/"), plan.InternalUrl);
    }

    [Fact]
    public void From_DomainSet_AutomaticHttpsWithPublicHttpsUrl()
    {
        var (plan, _) = ServePlan.From(NoFlags, HubConfig.Parse(null, "{\"domain\": \"hub.example.edu\"}"));

        Assert.Equal(TlsMode.Acme, plan!.Tls);
        Assert.Equal(new Uri("https://hub.example.edu/"), plan.PublicUrl);
        Assert.Equal(443, plan.HttpsEndpoint!.Port);
        Assert.Equal(80, plan.HttpEndpoint!.Port);
        Assert.Equal(new Uri("http://127.0.0.1:8081"), plan.InternalUrl);
        Assert.Equal(["hub.example.edu"], plan.Domains);
    }

    [Fact]
    public void From_AdminAccessWithoutUserServersHost_IsRefusedWithTheFix()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse("/etc/classhub/classhub.json", "{\"admin_access\": true}"));

        Assert.Null(plan);
        var problem = Assert.Single(problems);
        Assert.Contains("admin_access", problem.Where, StringComparison.Ordinal);
        Assert.Contains("user_servers.host", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UserServersHost_IsOnTheCertificate_AndAdminAccessAllowed()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse(null, "{\"domain\": \"hub.example.edu\", \"user_servers\": {\"host\": \"Users.Hub.Example.edu\"}, \"admin_access\": true}"));

        Assert.Empty(problems);
        Assert.Equal(["hub.example.edu", "users.hub.example.edu"], plan!.Domains);
        Assert.True(plan.AdminAccess);
        Assert.Equal("Users.Hub.Example.edu", plan.UserServersHost);
    }

    [Theory]
    [InlineData("{\"domain\": \"hub.example.edu\", \"user_servers\": {\"host\": \"{user}.users.hub.example.edu\"}}", "wildcard certificate")]
    [InlineData("{\"tls\": {\"mode\": \"self-signed\"}, \"user_servers\": {\"host\": \"{user}.users.hub.example.edu\"}}", "wildcard certificate")]
    [InlineData("{\"domain\": \"hub.example.edu\", \"user_servers\": {\"host\": \"hub.example.edu\"}}", "the hub's own host")]
    [InlineData("{\"user_servers\": {\"host\": \"https://users.example.edu/\"}}", "not a host name")]
    [InlineData("{\"user_servers\": {\"host\": \"users.{user}.example.edu\"}}", "whole first label")]
    public void From_UserServersHostThatCannotWork_IsRefused(string json, string why)
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse(null, json));

        Assert.Null(plan);
        Assert.Contains(problems, p => p.Where.Contains("user_servers.host", StringComparison.Ordinal) && p.Message.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public void From_UserServersHostPattern_WithManualTlsOrPlainHttp_IsFine()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse(null, "{\"user_servers\": {\"host\": \"{user}.users.hub.example.edu\"}}"));

        Assert.Empty(problems);
        Assert.Empty(plan!.Domains);
    }

    [Fact]
    public void From_DevFlag_PlainLoopbackEvenWithDomain()
    {
        var (plan, _) = ServePlan.From(NoFlags with { Dev = true }, HubConfig.Parse(null, "{\"domain\": \"hub.example.edu\"}"));

        Assert.Equal(TlsMode.Off, plan!.Tls);
        Assert.Equal(new Uri("http://127.0.0.1:8000"), plan.PlainUrls[0]);
    }

    [Fact]
    public void From_FlagsWinOverFile()
    {
        var (plan, _) = ServePlan.From(NoFlags with { Urls = "http://127.0.0.1:9000", IdleTimeoutSeconds = 5 }, HubConfig.Parse(null, "{\"idle_timeout\": 100}"));

        Assert.Equal(new Uri("http://127.0.0.1:9000"), plan!.PlainUrls[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), plan.IdleTimeout);
    }

    [Fact]
    public void From_ManualWithoutFiles_ProblemsNameKeysAndFix()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse("/etc/classhub/classhub.json", "{\"tls\": {\"mode\": \"manual\", \"cert\": \"/nonexistent/cert.pem\"}}"));

        Assert.Null(plan);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Where.Contains("tls.cert", StringComparison.Ordinal) && p.Message.Contains("/nonexistent/cert.pem", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Where.Contains("tls.key", StringComparison.Ordinal) && p.Fix.Contains("PEM", StringComparison.Ordinal));
    }

    [Fact]
    public void From_BadListenAddress_Problem()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse(null, "{\"listen\": {\"https\": \"everywhere\"}}"));

        Assert.Null(plan);
        Assert.Contains(problems, p => p.Where.Contains("listen.https", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 0, null, "--cull-interval", "must be at least 1 second, not 0")]
    [InlineData(null, null, -5, "--start-timeout", "must be at least 1 second, not -5")]
    [InlineData(null, null, 0, "--start-timeout", "must be at least 1 second, not 0")]
    [InlineData(-1, null, null, "--idle-timeout", "must be 0 (never stop idle servers) or a number of seconds, not -1")]
    public void From_TimeoutFlagOutOfRange_RefusedWithTheFlagNamed(int? idle, int? cull, int? start, string flag, string message)
    {
        var (plan, problems) = ServePlan.From(NoFlags with { IdleTimeoutSeconds = idle, CullIntervalSeconds = cull, StartTimeoutSeconds = start }, HubConfig.Defaults());

        Assert.Null(plan);
        var problem = Assert.Single(problems);
        Assert.Equal(flag, problem.Where);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void From_TimeoutFlagsInRange_Used()
    {
        var (plan, _) = ServePlan.From(NoFlags with { IdleTimeoutSeconds = 0, CullIntervalSeconds = 1, StartTimeoutSeconds = 1 }, HubConfig.Defaults());

        Assert.Equal(TimeSpan.Zero, plan!.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), plan.CullInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), plan.StartTimeout);
    }

    [Fact]
    public void From_HostNameInUrls_ListensOnEveryAddressItResolvesTo()
    {
        var resolved = new[] { System.Net.IPAddress.Parse("192.0.2.7"), System.Net.IPAddress.Parse("2001:db8::7") };

        var (plan, problems) = ServePlan.From(NoFlags with { Urls = "http://myhost:8000" }, HubConfig.Defaults(), host => host == "myhost" ? resolved : throw new System.Net.Sockets.SocketException(11001));

        Assert.Empty(problems);
        Assert.Equal(["192.0.2.7:8000", "[2001:db8::7]:8000"], plan!.PlainEndpoints.Select(e => e.ToString()));
        Assert.Equal(new Uri("http://myhost:8000/"), plan.InternalUrl);
    }

    [Fact]
    public void From_HostNameThatDoesNotResolve_ProblemNamesItAndTheFix()
    {
        var (plan, problems) = ServePlan.From(NoFlags with { Urls = "http://myhost:8000" }, HubConfig.Defaults(), _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));

        Assert.Null(plan);
        var problem = Assert.Single(problems);
        Assert.Equal("--urls", problem.Where);
        Assert.Contains("'myhost' does not resolve", problem.Message, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:8000", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_IpAddressesAndLocalhost_NeedNoResolver()
    {
        var (plan, _) = ServePlan.From(NoFlags with { Urls = "http://localhost:8000;http://[::1]:8001;http://0.0.0.0:8002" }, HubConfig.Defaults(), _ => throw new InvalidOperationException("not asked"));

        Assert.Equal(["127.0.0.1:8000", "[::1]:8001", "0.0.0.0:8002"], plan!.PlainEndpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void From_Defaults_NoTrustedProxiesAndSrvAsTheDatasetRoot()
    {
        var (plan, _) = ServePlan.From(NoFlags, HubConfig.Defaults());

        Assert.False(plan!.TrustedProxies.Any);
        Assert.Equal(["/srv"], plan.DatasetRoots);
    }

    [Fact]
    public void From_TrustedProxies_ParsedAddressesAndRanges()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse(null, "{\"trusted_proxies\": [\"10.0.0.2\", \"192.168.0.0/16\"]}"));

        Assert.Empty(problems);
        Assert.True(plan!.TrustedProxies.Contains(System.Net.IPAddress.Parse("10.0.0.2")));
        Assert.True(plan.TrustedProxies.Contains(System.Net.IPAddress.Parse("192.168.4.4")));
        Assert.False(plan.TrustedProxies.Contains(System.Net.IPAddress.Parse("10.0.0.3")));
    }

    [Fact]
    public void From_TrustedProxyNotAnAddress_ProblemNamesTheKeyAndEntry()
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse("/etc/classhub/classhub.json", "{\"trusted_proxies\": [\"nginx.local\"]}"));

        Assert.Null(plan);
        var problem = Assert.Single(problems);
        Assert.Contains("key 'trusted_proxies'", problem.Where, StringComparison.Ordinal);
        Assert.Contains("'nginx.local' is not an IP address", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "is the whole file system")]
    [InlineData("/etc", "is /etc, a system folder")]
    [InlineData("/home", "is /home, a system folder")]
    [InlineData("/root/data", "is inside /root, a system folder")]
    [InlineData("/var", "contains /var/lib/classhub, the hub's data directory")]
    [InlineData("data", "is not an absolute path")]
    public void From_DatasetRootIsASystemFolder_ProblemNamesTheKeyAndWhy(string root, string expected)
    {
        var (plan, problems) = ServePlan.From(NoFlags, HubConfig.Parse("/etc/classhub/classhub.json", $"{{\"datasets\": {{\"roots\": [\"/srv\", \"{root}\"]}}}}"));

        Assert.Null(plan);
        var problem = Assert.Single(problems);
        Assert.Contains("key 'datasets.roots'", problem.Where, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_DatasetRootHoldsTheDataDirGivenOnTheCommandLine_Problem()
    {
        var (plan, problems) = ServePlan.From(NoFlags with { DataDir = "/srv/classhub-state" }, HubConfig.Parse(null, "{}"));

        Assert.Null(plan);
        Assert.Contains("contains /srv/classhub-state, the hub's data directory", Assert.Single(problems).Message, StringComparison.Ordinal);
    }
}
