using Classhub.Spawning.Datasets;

namespace Classhub.Spawning.Tests.Datasets;

public sealed class MountTableTests
{
    [Theory]
    [InlineData("/run/classhub/datasets/alice", "/run/classhub/datasets/alice")]
    [InlineData("/srv/my\\040data", "/srv/my data")]
    [InlineData("/a\\134b", "/a\\b")]
    public void Unescape_MountInfoField_Decoded(string field, string expected) =>
        Assert.Equal(expected, MountTable.Unescape(field));

    [Fact]
    public void MountPoints_ThisProcess_ContainsRoot() =>
        Assert.Contains("/", MountTable.MountPoints("/proc/self/mountinfo"));
}
