using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>
/// A real OpenID Connect provider for the tests: panva's oidc-provider (OpenID Certified) run under node from
/// Auth/oidc/provider.mjs, on a free loopback port, with the clients the test registers. Accounts: alice
/// (alice@school.example, verified), mallory (mallory@other.example, verified), eve (eve@school.example, NOT verified).
/// Its test hooks choose who signs in next and can make the next ID token bad (<see cref="TamperNextIdTokenAsync"/>).
/// </summary>
public sealed class OidcProviderProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private OidcProviderProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Issuer => $"http://127.0.0.1:{Port}";

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

    public static string Folder => Path.Combine(HubProcess.RepoRoot, "tests", "Classhub.Tests", "Auth", "oidc");

    /// <param name="clients">Client metadata (client_id, client_secret, redirect_uris ...), as oidc-provider takes it.</param>
    public static async Task<OidcProviderProcess> StartAsync(IReadOnlyList<Dictionary<string, object>> clients)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed in {Folder}: run 'npm ci' there (./build.sh test does)");
        }

        var port = HubProcess.FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("provider.mjs");
        start.Environment["OIDC_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OIDC_CLIENTS"] = JsonSerializer.Serialize(clients);
        var provider = new OidcProviderProcess(Process.Start(start)!, port);
        var listening = new TaskCompletionSource();
        provider._process.OutputDataReceived += (_, e) =>
        {
            provider.Append(e.Data);
            if (e.Data?.StartsWith("listening", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        provider._process.ErrorDataReceived += (_, e) => provider.Append(e.Data);
        provider._process.BeginOutputReadLine();
        provider._process.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(20))) != listening.Task)
        {
            await provider.DisposeAsync();
            throw new TimeoutException($"oidc-provider did not start:\n{provider.Output}");
        }

        return provider;
    }

    public static Dictionary<string, object> Client(string id, string secret, string redirectUri, string alg = "RS256") => new()
    {
        ["client_id"] = id,
        ["client_secret"] = secret,
        ["redirect_uris"] = new[] { redirectUri },
        ["id_token_signed_response_alg"] = alg,
    };

    /// <summary>Chooses the account that "signs in" at the provider's next interaction.</summary>
    public async Task LoginAsAsync(string account)
    {
        using var client = new HttpClient();
        (await client.GetAsync(new Uri($"{Issuer}/_test/login-as/{account}"))).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Makes the provider's next token response carry a bad ID token: "signature" (signed by a key not in its JWK
    /// Set), "audience" (for another client, properly signed) or "expired" (properly signed).
    /// </summary>
    public async Task TamperNextIdTokenAsync(string mode)
    {
        using var client = new HttpClient();
        (await client.GetAsync(new Uri($"{Issuer}/_test/tamper-next/{mode}"))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
