using System.Globalization;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// <c>classhub kernel add --python X</c> runs X to look for ipykernel. X may be anything someone left on the server
/// (a TA's or a student's "environment"): the check must not run it as root, nor with the admin's environment.
/// </summary>
public sealed class KernelAddHostileTests(HubFixture fixture) : IClassFixture<HubFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-kernel-probe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KernelAdd_PythonIsAScriptThatWritesAsWhoeverRunsIt_ItRunsUnprivilegedWithAnEmptyEnvironment()
    {
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        var drop = Directory.CreateDirectory(Path.Combine(_dir, "drop")).FullName;
        File.SetUnixFileMode(drop, (UnixFileMode)0b111_111_111);
        var rootOnly = Path.Combine("/root", "classhub-kernel-probe-" + Guid.NewGuid().ToString("N")[..8]);
        var python = Path.Combine(_dir, "python");
        await File.WriteAllTextAsync(python, $"""
            #!/bin/sh
            id -u > {drop}/uid
            env > {drop}/env
            grep -c '^CapEff:.*[1-9a-f]' /proc/self/status > {drop}/caps
            echo owned > {rootOnly}
            exit 1
            """);
        File.SetUnixFileMode(python, (UnixFileMode)0b111_101_101);
        Environment.SetEnvironmentVariable("CLASSHUB_PROBE_SECRET", "admins-environment");

        try
        {
            var result = await fixture.Hub.CliAsync("kernel", "add", "probe", "--python", python);

            Assert.NotEqual(0, result.ExitCode);
            Assert.True(File.Exists(Path.Combine(drop, "uid")), $"the check never ran the interpreter: {result.Stderr}");
            var uid = int.Parse((await File.ReadAllTextAsync(Path.Combine(drop, "uid"))).Trim(), CultureInfo.InvariantCulture);
            Assert.True(uid != 0, "kernel add ran the interpreter as root");
            Assert.Equal("0", (await File.ReadAllTextAsync(Path.Combine(drop, "caps"))).Trim());
            Assert.False(File.Exists(rootOnly), $"the interpreter wrote {rootOnly}");
            var env = await File.ReadAllTextAsync(Path.Combine(drop, "env"));
            Assert.DoesNotContain("CLASSHUB_PROBE_SECRET", env, StringComparison.Ordinal);
            Assert.DoesNotContain("HOME=/root", env, StringComparison.Ordinal);
            Assert.False(Directory.Exists("/usr/local/share/jupyter/kernels/classhub-probe"), "a kernel was registered although the check failed");
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLASSHUB_PROBE_SECRET", null);
            File.Delete(rootOnly);
        }
    }
}
