using System.Net;
using Classhub.Testing.Mounts;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// What <c>serve</c> cannot do, it says in one line and exits 1 (never a .NET stack trace, never a wrong reason):
/// listen URLs with host names, timeouts that mean nothing, a data dir another hub holds or nobody can write.
/// </summary>
[Collection("hub")]
public sealed class ServeRefusalTests : IDisposable
{
    private readonly HubProcess _hub = HubProcess.Create();

    public void Dispose() => Directory.Delete(_hub.DataDir, recursive: true);

    [Fact]
    public async Task Urls_HostNameOfThisMachine_ListensOnItsAddress()
    {
        // This machine's own name resolves (/etc/hosts) to one of its addresses: 127.0.0.1 here, 127.0.1.1 on Debian's default.
        var name = Dns.GetHostName();
        var address = (await Dns.GetHostAddressesAsync(name)).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        var hub = HubProcess.Create(_hub.DataDir, host: address.ToString());
        await using (hub)
        {
            await hub.StartWithAsync("--urls", $"http://{name}:{hub.Port}");

            using var client = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(hub.Url, "/hub/health"))).StatusCode);
            Assert.Contains($"classhub is serving http://{name}:{hub.Port}/", hub.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--urls", "http://no-such-host.invalid:8000", "classhub serve: --urls: cannot listen on http://no-such-host.invalid:8000: the host name 'no-such-host.invalid' does not resolve")]
    [InlineData("--cull-interval", "0", "classhub serve: --cull-interval: must be at least 1 second, not 0. Fix: ")]
    [InlineData("--start-timeout", "-5", "classhub serve: --start-timeout: must be at least 1 second, not -5. Fix: ")]
    [InlineData("--idle-timeout", "-1", "classhub serve: --idle-timeout: must be 0 (never stop idle servers) or a number of seconds, not -1. Fix: ")]
    public async Task BadFlag_OneLineNamingItExit1(string flag, string value, string expected)
    {
        var run = await _hub.CliAsync("serve", flag, value);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_AddressOfAnotherMachine_OneLineWithTheFix()
    {
        // 192.0.2.0/24 is for documentation (RFC 5737): no interface here has it.
        var run = await _hub.CliAsync("serve", "--urls", "http://192.0.2.7:8000");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("classhub serve: ", line, StringComparison.Ordinal);
        Assert.Contains("192.0.2.7:8000", line, StringComparison.Ordinal);
        Assert.EndsWith("No interface of this machine has that address: listen on one of its own (ip -brief address), or on http://0.0.0.0:PORT for all of them.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirReadOnly_SaysReadOnlyNotAnotherHub()
    {
        Assert.Equal(0, (await _hub.CliAsync("course", "list")).ExitCode);
        using var view = ScratchMount.ReadOnlyView(_hub.DataDir);

        var run = await HubProcess.Create(view.Path).CliAsync("serve", "--urls", $"http://127.0.0.1:{HubProcess.FreePort()}");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.Equal($"classhub serve: {view.Path} is on a read-only file system; remount it read-write (mount -o remount,rw), or point classhub at a writable folder (--data-dir, or data_dir in the configuration)", line);
    }

    [Fact]
    public async Task DataDirServedByAnotherHub_SaysSo()
    {
        await using (_hub)
        {
            await _hub.StartAsync();

            var run = await _hub.CliAsync("serve", "--urls", $"http://127.0.0.1:{HubProcess.FreePort()}");

            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"classhub serve: another classhub is already serving {_hub.DataDir}; stop it first, or use another --data-dir", run.Stderr.Trim());
        }
    }
}
