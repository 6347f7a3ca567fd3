using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>A client secret in a configuration file others can read refuses start-up, with the fix; the secret is not printed.</summary>
[Collection("hub")]
public sealed class ConfigSecretTests
{
    [Fact]
    public async Task Serve_SecretInWorldReadableConfig_RefusesWithChmodFix()
    {
        await using var hub = HubProcess.Create();
        var config = Path.Combine(hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, """
            { "auth": { "methods": ["github"], "github": { "client_id": "abc", "client_secret": "leaky-secret-value" } } }
            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => hub.StartConfiguredAsync(config));

        Assert.Contains("a client secret sits in a configuration file that other users can read", error.Message, StringComparison.Ordinal);
        Assert.Contains($"run 'chmod 600 {config}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("leaky-secret-value", error.Message, StringComparison.Ordinal);
        Directory.Delete(hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task ConfigCheck_SecretFileReadableByOthers_ReportsChmodFix()
    {
        var hub = HubProcess.Create();
        var secret = Path.Combine(hub.DataDir, "oidc-secret");
        await File.WriteAllTextAsync(secret, "file-secret-value");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var config = Path.Combine(hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, $$"""
            { "auth": { "methods": ["local", "oidc"], "oidc": { "issuer": "https://idp.school.example", "client_id": "hub", "client_secret_file": "{{secret}}" } } }
            """);

        var check = await hub.CliAsync("config", "check", "--config", config);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"'{secret}' can be read by other users. Fix: run 'chmod 600 {secret}'", check.Stdout + check.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("file-secret-value", check.Stdout + check.Stderr, StringComparison.Ordinal);
        Directory.Delete(hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task Serve_UnknownMethodAndMissingIssuer_ReportsBothAtOnce()
    {
        await using var hub = HubProcess.Create();
        var config = Path.Combine(hub.DataDir, "classhub.json");
        await File.WriteAllTextAsync(config, """
            { "auth": { "methods": ["oidc", "ldap"], "oidc": { "client_id": "x" } } }
            """);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => hub.StartConfiguredAsync(config));

        Assert.Contains("'ldap' is not a sign-in method", error.Message, StringComparison.Ordinal);
        Assert.Contains("key 'auth.oidc.issuer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("key 'auth.oidc.client_secret_file': no client secret is set", error.Message, StringComparison.Ordinal);
        Directory.Delete(hub.DataDir, recursive: true);
    }
}
