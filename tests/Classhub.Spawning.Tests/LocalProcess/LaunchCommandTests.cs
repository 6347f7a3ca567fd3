using Classhub.Core.Servers;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Tests.LocalProcess;

public sealed class LaunchCommandTests
{
    private static readonly LocalProcessSpawnerOptions Options = new();

    [Fact]
    public void Build_UserAndLimits_SetsidShellPrlimitSetprivProgram()
    {
        var account = new UnixAccount("alice", 1001, 1002, "/home/alice", "/bin/bash", [1002, 27]);

        var argv = LaunchCommand.Build(Options, account, new ResourceLimits(MemoryBytes: 1024, Tasks: 5, OpenFiles: 64), "/usr/bin/prog", ["--a", "--port=9"], "/var/log/x.log");

        Assert.Equal(
            [
                "/usr/bin/setsid", "/bin/sh", "-c", "log=$1; shift; unset PWD; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", "/var/log/x.log",
                "/usr/bin/prlimit", "--nofile=64", "--nproc=5", "--as=1024", "--",
                "/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--groups=1002,27", "--",
                "/usr/bin/prog", "--a", "--port=9",
            ],
            argv);
    }

    [Fact]
    public void Build_Held_ShellWaitsForGoBeforeAnything()
    {
        var argv = LaunchCommand.Build(Options, null, ResourceLimits.None, "/usr/bin/prog", [], "/tmp/x.log", held: true);

        Assert.StartsWith("read -r go || exit 75; [ \"$go\" = go ] || exit 75; log=$1;", argv[3], StringComparison.Ordinal);
        Assert.DoesNotContain("read -r go", LaunchCommand.Build(Options, null, ResourceLimits.None, "/usr/bin/prog", [], "/tmp/x.log")[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DevelopmentModeNoLimits_NoPrlimitNoSetpriv()
    {
        var argv = LaunchCommand.Build(Options, null, ResourceLimits.None, "/usr/bin/prog", [], "/tmp/x.log");

        Assert.DoesNotContain("/usr/bin/setpriv", argv);
        Assert.DoesNotContain("/usr/bin/prlimit", argv);
        Assert.Equal("/usr/bin/prog", argv[^1]);
    }

    [Fact]
    public void Build_NoSupplementaryGroups_ClearsThem()
    {
        var account = new UnixAccount("bob", 1001, 1001, "/home/bob", "/bin/bash", []);

        var argv = LaunchCommand.Build(Options, account, ResourceLimits.None, "/usr/bin/prog", [], "/tmp/x.log");

        Assert.Contains("--clear-groups", argv);
    }

    [Fact]
    public void Build_DatasetRoot_ShellThenUnshareSlaveThenTheMountStepThenSetpriv()
    {
        var account = new UnixAccount("alice", 1001, 1002, "/home/alice", "/bin/bash", []);

        var argv = LaunchCommand.Build(Options with { HelperPath = "/usr/bin/classhub" }, account, ResourceLimits.None, "/usr/bin/prog", ["--x"], "/tmp/x.log", "/run/classhub/datasets/alice");

        Assert.Equal(
            [
                "/usr/bin/setsid", "/bin/sh", "-c", "log=$1; shift; unset PWD; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", "/tmp/x.log",
                "/usr/bin/unshare", "--mount", "--propagation", "slave", "--",
                "/usr/bin/classhub", "internal", "mount-datasets", "/run/classhub/datasets/alice", "/home/alice", "1001", "1002", "--",
                "/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--clear-groups", "--",
                "/usr/bin/prog", "--x",
            ],
            argv);
        Assert.DoesNotContain(argv, a => a.Contains("mount --rbind", StringComparison.Ordinal) || a.Contains("chown", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_DatasetRootWithoutUnixAccount_NoNamespace()
    {
        var argv = LaunchCommand.Build(Options, null, ResourceLimits.None, "/usr/bin/prog", [], "/tmp/x.log", "/run/classhub/datasets/alice");

        Assert.DoesNotContain("/usr/bin/unshare", argv);
    }
}
