using System.Diagnostics;
using Xunit.Abstractions;

namespace Classhub.Tests.Packaging;

/// <summary>
/// The .deb as an administrator meets it: lintian clean, and installed, used, upgraded and purged on a Debian with
/// systemd as PID 1 (packaging/tests/install-test.sh boots one with systemd-nspawn). build.sh test builds both
/// packages first: classhub_VERSION_amd64.deb and a rebuild with a higher version for the upgrade.
/// In the "hub" collection, not beside it: the container shares the host's network and starts its own hub, server and
/// kernel, and booting it loads both cores for minutes; run alongside the browser journeys, a notebook's kernel once did
/// not answer within their 60 s (a kernel's ports are picked free and bound later, so two machines' kernels can collide).
/// </summary>
[Collection("hub")]
public sealed class DebianPackageTests(ITestOutputHelper output)
{
    private static readonly string Root = FindRoot();

    private static string Artifacts =>
        Environment.GetEnvironmentVariable("CLASSHUB_BINARY") is { Length: > 0 } binary
            ? Path.GetDirectoryName(Path.GetFullPath(binary))!
            : Path.Combine(Root, "artifacts");

    private static string Version => File.ReadAllText(Path.Combine(Root, "packaging", "VERSION")).Trim();

    private static string Package(string version)
    {
        var path = Path.Combine(Artifacts, $"classhub_{version}_amd64.deb");
        Assert.True(File.Exists(path), $"{path} is missing; ./build.sh test builds it (or run ./build.sh deb)");
        return path;
    }

    [Fact]
    public async Task Lintian_NoErrorsOrWarnings_EveryOverrideUsed()
    {
        var (code, text) = await RunAsync("lintian", ["--fail-on", "error,warning", "--display-info", "--pedantic", Package(Version)], TimeSpan.FromMinutes(2));

        Assert.True(code == 0, $"lintian exit code {code}:\n{text}");
        Assert.DoesNotContain("unused-override", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nE: ", "\n" + text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nW: ", "\n" + text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallSignInStartServerUpgradePurge_OnDebianWithSystemd()
    {
        var script = Path.Combine(Root, "packaging", "tests", "install-test.sh");

        var (code, text) = await RunAsync("bash", [script, Package(Version), Package(Version + "+upgradetest1")], TimeSpan.FromMinutes(20));

        Assert.True(code == 0, $"install-test.sh exit code {code}:\n{text}");
        Assert.EndsWith("PASS", text.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("RESULT server_memory_max=1073741824", text, StringComparison.Ordinal);
        Assert.Contains("server kept pid", text, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Text)> RunAsync(string program, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout}:\n{await stdout}");
        }

        var text = (await stdout) + (await stderr);
        output.WriteLine(text);
        return (process.ExitCode, text);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build.sh")) && Directory.Exists(Path.Combine(dir.FullName, "packaging")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no repository root above {AppContext.BaseDirectory}");
    }
}
