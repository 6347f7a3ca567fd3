using System.Net;
using Classhub.Spawning.LocalProcess;

namespace Classhub.Spawning.Tests.LocalProcess;

public sealed class PortPickerTests
{
    [Fact]
    public void Pick_ManyTimes_NeverTheSamePortTwice()
    {
        var picker = new PortPicker(TimeProvider.System);

        var ports = Enumerable.Range(0, 200).Select(_ => picker.Pick(IPAddress.Loopback)).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1024, 65535));
    }

    [Fact]
    public void Pick_TwoPickersAtOnce_NeverTheSamePort()
    {
        // Two spawners in one process (or two test classes running side by side) starting servers at the same time.
        var first = new PortPicker(TimeProvider.System);
        var second = new PortPicker(TimeProvider.System);

        var ports = Enumerable.Range(0, 200).SelectMany(_ => new[] { first.Pick(IPAddress.Loopback), second.Pick(IPAddress.Loopback) }).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
