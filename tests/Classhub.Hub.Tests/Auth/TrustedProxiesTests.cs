using System.Net;
using Microsoft.Extensions.Primitives;

namespace Classhub.Hub.Auth.Tests;

public sealed class TrustedProxiesTests
{
    private static readonly TrustedProxies Proxies = TrustedProxies.Parse(["10.0.0.2", "192.168.1.0/24", "fd00::/8"]).Proxies;

    [Theory]
    [InlineData("10.0.0.2", "203.0.113.5", "203.0.113.5")] // one trusted hop
    [InlineData("10.0.0.2", "203.0.113.5, 192.168.1.7", "203.0.113.5")] // two trusted hops
    [InlineData("10.0.0.2", "10.0.0.3, 203.0.113.5", "203.0.113.5")] // the client wrote an address of their own: ignored
    [InlineData("10.0.0.2", "203.0.113.5:51234", "203.0.113.5")] // a port after the address
    [InlineData("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7")]
    [InlineData("10.0.0.2", "", "10.0.0.2")] // no header: the proxy itself
    [InlineData("10.0.0.2", "not-an-address", "10.0.0.2")] // garbage: the last hop believed
    [InlineData("10.0.0.2", "203.0.113.5, garbage, 192.168.1.7", "192.168.1.7")]
    [InlineData("10.0.0.2", "192.168.1.9, 192.168.1.7", "192.168.1.9")] // all trusted: the left-most
    [InlineData("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5")] // IPv4 seen through a dual-stack socket
    [InlineData("fd00::1", "2001:db8::9", "2001:db8::9")]
    [InlineData("198.51.100.1", "203.0.113.5", "198.51.100.1")] // an untrusted peer's header is never read
    public void ClientOf_PeerAndForwardedFor_RightMostUntrustedAddress(string peer, string forwardedFor, string client)
    {
        var header = forwardedFor.Length == 0 ? StringValues.Empty : new StringValues(forwardedFor);

        Assert.Equal(IPAddress.Parse(client), Proxies.ClientOf(IPAddress.Parse(peer), header));
    }

    [Fact]
    public void ClientOf_HeaderRepeated_ReadAsOneListInOrder()
    {
        var header = new StringValues(["203.0.113.5", "192.168.1.7"]);

        Assert.Equal(IPAddress.Parse("203.0.113.5"), Proxies.ClientOf(IPAddress.Parse("10.0.0.2"), header));
    }

    [Fact]
    public void Parse_RangeWithHostBits_MeansTheWholeRange()
    {
        var (proxies, problems) = TrustedProxies.Parse(["10.1.2.3/8"]);

        Assert.Empty(problems);
        Assert.True(proxies.Contains(IPAddress.Parse("10.200.0.1")));
        Assert.False(proxies.Contains(IPAddress.Parse("11.0.0.1")));
    }

    [Fact]
    public void ClientOf_NoTrustedProxies_HeaderIgnored()
    {
        Assert.Equal(IPAddress.Loopback, TrustedProxies.None.ClientOf(IPAddress.Loopback, new StringValues("203.0.113.5")));
    }

    [Theory]
    [InlineData("10.0.0.300", "is not an IP address or a CIDR range")]
    [InlineData("proxy.example.edu", "is not an IP address or a CIDR range")]
    [InlineData("10.0.0.0/40", "is not an IP address or a CIDR range")]
    public void Parse_BadEntry_ProblemNamesIt(string entry, string expected)
    {
        var (proxies, problems) = TrustedProxies.Parse(["10.0.0.2", entry]);

        Assert.Contains(expected, Assert.Single(problems), StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", problems[0], StringComparison.Ordinal);
        Assert.True(proxies.Contains(IPAddress.Parse("10.0.0.2")));
    }
}
