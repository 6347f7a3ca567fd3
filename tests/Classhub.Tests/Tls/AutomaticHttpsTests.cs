using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Classhub.Acme.Tests.Infrastructure;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tls.Tests;

/// <summary>
/// The AOT binary with only a domain configured gets its certificate from Debian's real pebble over http-01,
/// serves it, renews it (short-lived certificates) without a restart, and reuses it after a restart.
/// </summary>
[Collection("hub")]
public sealed class AutomaticHttpsTests
{
    private const string Domain = "hub.classhub.test";

    [Fact]
    public async Task DomainConfigured_CertificateObtainedServedRenewedAndReusedAfterRestart()
    {
        var httpPort = FreePort.Next();
        var httpsPort = FreePort.Next();
        var internalPort = FreePort.Next();
        await using var pebble = await PebbleServer.StartAsync(new PebbleSettings(CertificateValiditySeconds: 30), httpPort);
        var dir = Directory.CreateTempSubdirectory("classhub-https-").FullName;
        var caRoot = Path.Combine(dir, "pebble-tls-root.pem");
        await File.WriteAllTextAsync(caRoot, pebble.TlsRootPem);
        var config = Path.Combine(dir, "classhub.json");
        await File.WriteAllTextAsync(config, $$"""
            // what an instructor writes, plus test addresses
            {
              "domain": "{{Domain}}",
              "tls": { "email": "admin@classhub.test" },
              "listen": { "http": "127.0.0.1:{{httpPort}}", "https": "127.0.0.1:{{httpsPort}}" },
              "hub": { "internal_url": "http://127.0.0.1:{{internalPort}}" },
              "acme": { "directory": "{{pebble.DirectoryUrl}}", "ca_root": "{{caRoot}}" },
            }
            """);

        var check = await HubProcess.Create(dir).CliAsync("config", "check", "--config", config);
        Assert.True(check.ExitCode == 0, check.Stderr);

        var hub = HubProcess.Create(Path.Combine(dir, "state"), internalPort);
        Directory.CreateDirectory(hub.DataDir);
        string firstSerial;
        await using (hub)
        {
            // The hub is up at once (health answers on the internal URL) even before the first certificate.
            await hub.StartConfiguredAsync(config);
            firstSerial = await WaitForIssuedAsync(hub, pebble, previous: null);

            var rootPem = await pebble.GetIssuingRootPemAsync();
            var (serial, chainOk, problems) = await HandshakeAsync(httpsPort, rootPem);
            Assert.Equal(firstSerial, serial);
            Assert.True(chainOk, problems);

            using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            using var redirect = await plain.GetAsync($"http://127.0.0.1:{httpPort}/hub/home?x=1");
            Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
            Assert.Equal($"https://127.0.0.1:{httpsPort}/hub/home?x=1", redirect.Headers.Location!.ToString());

            // 30-second certificates renew when a third of the lifetime is left: a new serial, same process.
            var renewed = await WaitForIssuedAsync(hub, pebble, previous: firstSerial, timeoutSeconds: 60);
            Assert.NotEqual(firstSerial, renewed);
            Assert.Equal(renewed, (await HandshakeAsync(httpsPort, await pebble.GetIssuingRootPemAsync())).Serial);
            firstSerial = renewed;
        }

        // A restart serves the stored certificate at once, from the same account.
        var accountKey = await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(hub.DataDir, "acme"), "account*").First());
        var again = HubProcess.Create(hub.DataDir, internalPort);
        await using (again)
        {
            await again.StartConfiguredAsync(config);
            var (serial, _, _) = await HandshakeAsync(httpsPort, null);
            Assert.Equal(firstSerial, serial);
            Assert.Equal(accountKey, await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(hub.DataDir, "acme"), "account*").First()));
        }

        Directory.Delete(dir, recursive: true);
    }

    private static async Task<string> WaitForIssuedAsync(HubProcess hub, PebbleServer pebble, string? previous, int timeoutSeconds = 30)
    {
        using var client = new HttpClient { BaseAddress = hub.Url };
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        string detail = "";
        while (DateTime.UtcNow < deadline)
        {
            var health = JsonNode.Parse(await client.GetStringAsync("/hub/health"))!;
            detail = health["checks"]!["certificate"]!["detail"]!.GetValue<string>();
            if (detail.StartsWith("certificate ", StringComparison.Ordinal))
            {
                var serial = detail.Split(' ')[1];
                if (serial != previous)
                {
                    return serial;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"no {(previous is null ? "" : "new ")}certificate; health said: {detail}\n{hub.Output}\n{pebble.Output}");
    }

    private static async Task<(string Serial, bool ChainOk, string Problems)> HandshakeAsync(int port, string? rootPem)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2Collection? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, chain, _) =>
        {
            presented = [.. chain!.ChainPolicy.ExtraStore];
            return true;
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Domain });
        using var leaf = new X509Certificate2(tls.RemoteCertificate!);
        if (rootPem is null)
        {
            return (leaf.SerialNumber, true, "");
        }

        using var root = X509Certificate2.CreateFromPem(rootPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(presented!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var ok = chain.Build(leaf);
        return (leaf.SerialNumber, ok, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)) + $" (presented {presented!.Count} certificates)");
    }
}
