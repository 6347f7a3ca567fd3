using System.Diagnostics;
using System.Text.Json.Nodes;
using Classhub.Acme.Protocol;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>
/// Debian's real <c>pebble</c> as a child process, with <c>pebble-challtestsrv</c> as its DNS server
/// answering 127.0.0.1 for every name, so test domains such as <c>hub.classhub.test</c> validate against
/// the test's own Kestrel on <c>httpPort</c>. Both are killed on dispose.
/// </summary>
internal sealed class PebbleServer : IAsyncDisposable
{
    private readonly Process _pebble;
    private readonly Process _dns;
    private readonly string _directory;
    private readonly StringWriter _output;

    private PebbleServer(Process pebble, Process dns, string directory, StringWriter output, Uri directoryUrl, Uri managementUrl, string tlsRootPem)
    {
        _pebble = pebble;
        _dns = dns;
        _directory = directory;
        _output = output;
        DirectoryUrl = directoryUrl;
        ManagementUrl = managementUrl;
        TlsRootPem = tlsRootPem;
    }

    public Uri DirectoryUrl { get; }

    public Uri ManagementUrl { get; }

    /// <summary>The root that signed Pebble's HTTPS certificate (what <c>acme.ca_root</c> would point at).</summary>
    public string TlsRootPem { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<PebbleServer> StartAsync(PebbleSettings settings, int httpPort)
    {
        var directory = Directory.CreateTempSubdirectory("classhub-pebble-").FullName;
        var tls = TestTlsAuthority.Create();
        var certificatePath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        await File.WriteAllTextAsync(certificatePath, tls.ServerCertificatePem);
        await File.WriteAllTextAsync(keyPath, tls.ServerKeyPem);

        var listenPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var dnsPort = FreePort.Next();
        var config = new JsonObject
        {
            ["listenAddress"] = $"127.0.0.1:{listenPort}",
            ["managementListenAddress"] = $"127.0.0.1:{managementPort}",
            ["certificate"] = certificatePath,
            ["privateKey"] = keyPath,
            ["httpPort"] = httpPort,
            ["tlsPort"] = FreePort.Next(),
            ["ocspResponderURL"] = "",
            ["externalAccountBindingRequired"] = false,
        };
        if (settings.CertificateValiditySeconds is { } seconds)
        {
            config["certificateValidityPeriod"] = seconds;
        }
        var configPath = Path.Combine(directory, "pebble-config.json");
        await File.WriteAllTextAsync(configPath, new JsonObject { ["pebble"] = config }.ToJsonString());

        var output = new StringWriter();
        var dns = Start(
            "pebble-challtestsrv",
            ["-dns01", $"127.0.0.1:{dnsPort}", "-http01", "", "-https01", "", "-tlsalpn01", "",
             "-management", $"127.0.0.1:{FreePort.Next()}", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
            new Dictionary<string, string>(),
            output);
        var pebble = Start(
            "pebble",
            ["-config", configPath, "-dnsserver", $"127.0.0.1:{dnsPort}", "-strict=false"],
            new Dictionary<string, string>
            {
                ["PEBBLE_VA_NOSLEEP"] = "1",
                ["PEBBLE_WFE_NONCEREJECT"] = settings.NonceRejectPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PEBBLE_CHAIN_LENGTH"] = settings.ChainLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PEBBLE_AUTHZREUSE"] = "0",
            },
            output);
        var server = new PebbleServer(pebble, dns, directory, output, new Uri($"https://127.0.0.1:{listenPort}/dir"), new Uri($"https://127.0.0.1:{managementPort}/"), tls.RootPem);
        await server.WaitUntilReadyAsync();
        return server;
    }

    public HttpClient CreateTrustingClient() => AcmeHttpClientFactory.Create(TlsRootPem);

    /// <summary>The root Pebble signs certificates with (regenerated on every Pebble start).</summary>
    public async Task<string> GetIssuingRootPemAsync()
    {
        using var client = CreateTrustingClient();
        return await client.GetStringAsync(new Uri(ManagementUrl, "roots/0"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _pebble, _dns })
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = CreateTrustingClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_pebble.HasExited || _dns.HasExited)
            {
                throw new InvalidOperationException("pebble exited at start:\n" + Output);
            }
            try
            {
                using var response = await client.GetAsync(DirectoryUrl);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("pebble did not answer within 30 s:\n" + Output);
            }
            await Task.Delay(100);
        }
    }

    private static Process Start(string fileName, string[] arguments, Dictionary<string, string> environment, StringWriter output)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} is not installed; the ACME tests need Debian's pebble: apt-get install -y pebble", e);
        }
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.WriteLine($"[{fileName}] {e.Data}");
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
