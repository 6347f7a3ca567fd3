using System.Net;
using Microsoft.Extensions.Primitives;

namespace Classhub.Hub.Auth;

/// <summary>
/// The reverse proxies in front of the hub (config key trusted_proxies: addresses and CIDR ranges) and who the client
/// is behind them. X-Forwarded-For is believed only when the direct peer is a trusted proxy, and then read from the
/// right: each trusted proxy appended the address it saw, so the right-most address that is not a trusted proxy is
/// the client. Anything to its left was written by the client and is ignored (a client cannot choose the address it
/// is counted under). With no trusted proxies the header is never read.
/// </summary>
internal sealed class TrustedProxies
{
    public static readonly TrustedProxies None = new([]);

    private readonly IReadOnlyList<IPNetwork> _networks;

    private TrustedProxies(IReadOnlyList<IPNetwork> networks) => _networks = networks;

    public bool Any => _networks.Count > 0;

    /// <summary>Parses addresses ("10.0.0.5", "::1") and ranges ("10.0.0.0/8"; "10.1.2.3/8" means the same); returns the problems, one per bad entry.</summary>
    public static (TrustedProxies Proxies, IReadOnlyList<string> Problems) Parse(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        var problems = new List<string>();
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(Canonical(address), address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                problems.Add($"'{raw}' is not an IP address or a CIDR range (like 10.0.0.5, 10.0.0.0/8 or fd00::/8)");
            }
        }

        return (new TrustedProxies(networks), problems);
    }

    public bool Contains(IPAddress address)
    {
        var canonical = Canonical(address);
        foreach (var network in _networks)
        {
            if (network.Contains(canonical))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The client's address: the peer, or (peer trusted) the right-most X-Forwarded-For entry that is not a trusted proxy.</summary>
    public IPAddress? ClientOf(IPAddress? peer, StringValues forwardedFor)
    {
        if (peer is null || !Any || !Contains(peer))
        {
            return peer;
        }

        var client = Canonical(peer);
        var entries = forwardedFor.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            // Some proxies write a port too ("192.0.2.7:51234", "[2001:db8::7]:443").
            if (!IPEndPoint.TryParse(entries[i], out var hop))
            {
                // Garbage where an address should be: the last hop we could believe stands for the client.
                return client;
            }

            client = Canonical(hop.Address);
            if (!Contains(client))
            {
                return client;
            }
        }

        return client;
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
