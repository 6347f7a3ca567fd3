using Classhub.Acme.Management;

namespace Classhub.Acme.Tests.Management;

public sealed class AcmeOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        var options = new AcmeOptions { Domains = ["hub.example.edu"], StateDirectory = "/var/lib/classhub/acme" };

        Assert.Empty(options.Validate());
        Assert.Equal(AcmeOptions.LetsEncryptProduction, options.DirectoryUrl);
    }

    [Fact]
    public void Validate_EverythingWrong_EveryProblemReportedWithItsKeyAndFix()
    {
        var options = new AcmeOptions
        {
            Domains = ["*.example.edu", "bad name"],
            Email = "not-an-address",
            DirectoryUrl = new Uri("http://ca.example/dir"),
            CaRootPath = "/nonexistent/root.pem",
            StateDirectory = "/tmp/x",
        };

        var problems = options.Validate();

        Assert.Equal(5, problems.Count);
        Assert.Equal(2, problems.Count(p => p.StartsWith("domain:", StringComparison.Ordinal)));
        Assert.Single(problems, p => p.StartsWith("tls.email:", StringComparison.Ordinal));
        Assert.Single(problems, p => p.StartsWith("acme.directory:", StringComparison.Ordinal));
        Assert.Single(problems, p => p.StartsWith("acme.ca_root:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoDomain_SaysWhatToSet()
    {
        var problems = new AcmeOptions { Domains = [], StateDirectory = "/tmp/x" }.Validate();

        Assert.Contains(problems, p => p.Contains("set \"domain\"", StringComparison.Ordinal));
    }
}
