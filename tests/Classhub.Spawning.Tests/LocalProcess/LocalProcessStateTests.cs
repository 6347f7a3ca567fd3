using Classhub.Spawning.LocalProcess;

namespace Classhub.Spawning.Tests.LocalProcess;

public sealed class LocalProcessStateTests
{
    [Fact]
    public void Serialize_RoundTrips_SnakeCaseJson()
    {
        var state = new LocalProcessState(1234, 1234, 98765, "127.0.0.1", 45123, "alice");

        var text = state.Serialize();

        Assert.Equal("""{"pid":1234,"process_group":1234,"start_time":98765,"host":"127.0.0.1","port":45123,"unix_user":"alice"}""", text);
        Assert.Equal(state, LocalProcessState.Parse(text));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"pid":1,"process_group":1}""")]
    public void Parse_NotOurState_Throws(string text)
    {
        Assert.Throws<FormatException>(() => LocalProcessState.Parse(text));
    }
}
