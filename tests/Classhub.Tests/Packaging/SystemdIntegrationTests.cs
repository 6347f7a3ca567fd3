using System.Net.Sockets;
using System.Text;
using Classhub.Composition;
using Classhub.Hosting;

namespace Classhub.Tests.Packaging;

/// <summary>The hub's side of running under systemd: the spawner choice and sd_notify.</summary>
public sealed class SystemdIntegrationTests
{
    [Theory]
    [InlineData("auto", true, true, "systemd")]
    [InlineData("auto", true, false, "local-process")]
    [InlineData("auto", false, true, "local-process")]
    [InlineData("local-process", true, true, "local-process")]
    [InlineData("systemd", false, false, "systemd")]
    public void SpawnerChoice_AutoPicksSystemdOnlyForRootUnderSystemd(string kind, bool runAsUnixUsers, bool systemdRunning, string expected)
    {
        Assert.Equal(expected, SpawnerRegistration.Choose(kind, runAsUnixUsers, systemdRunning));
    }

    [Fact]
    public void SpawnerChoice_UnknownKind_ThrowsNamingTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => SpawnerRegistration.Choose("docker", true, true));
        Assert.Contains("auto, local-process, systemd", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notify_SendsOneDatagram_PathOrAbstractSocket(bool isAbstract)
    {
        var name = $"classhub-notify-test-{Guid.NewGuid():N}";
        var path = isAbstract ? "@" + name : Path.Combine(Path.GetTempPath(), name);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(isAbstract ? "\0" + name : path));
        try
        {
            Assert.True(SystemdNotifier.Notify(path, "READY=1\nSTATUS=serving"));

            var buffer = new byte[256];
            listener.ReceiveTimeout = 5000;
            var n = listener.Receive(buffer);
            Assert.Equal("READY=1\nSTATUS=serving", Encoding.UTF8.GetString(buffer, 0, n));
        }
        finally
        {
            if (!isAbstract)
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void Notify_NoListener_ReturnsFalse()
    {
        Assert.False(SystemdNotifier.Notify(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}"), "READY=1"));
    }

    [Fact]
    public void UnitFile_NotifyRestartOnFailure_ServesFromTheBinary()
    {
        var unit = File.ReadAllText(Path.Combine(RepositoryRoot(), "packaging", "classhub.service"));

        Assert.Contains("\nType=notify\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nRestart=on-failure\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nExecStart=/usr/bin/classhub serve\n", unit, StringComparison.Ordinal);
        Assert.Contains("\n@EXECSTARTPRE@\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nWantedBy=multi-user.target\n", unit, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no repository root");
    }
}
