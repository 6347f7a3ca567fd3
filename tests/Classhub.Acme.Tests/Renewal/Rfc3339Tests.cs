using Classhub.Acme.Renewal;

namespace Classhub.Acme.Tests.Renewal;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-03-01T12:00:00Z", 0)]
    [InlineData("2026-03-01T12:00:00.5Z", 5_000_000)]
    [InlineData("2026-03-01T12:00:00.123456789Z", 1_234_567)]
    [InlineData("2026-03-01T13:00:00.123456789+01:00", 1_234_567)]
    public void TryParse_CaTimestamps_ParsesToUtc(string text, long extraTicks)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(extraTicks), value);
    }

    [Fact]
    public void TryParse_Garbage_False()
    {
        Assert.False(Rfc3339.TryParse("next tuesday", out _));
    }
}
