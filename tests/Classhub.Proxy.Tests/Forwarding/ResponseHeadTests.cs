using System.Text;

namespace Classhub.Proxy.Forwarding.Tests;

public sealed class ResponseHeadTests
{
    [Fact]
    public void EndOf_IsJustAfterTheEmptyLine_OrMinusOneUntilItArrives()
    {
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi");

        Assert.Equal(bytes.Length - 4, ResponseHead.EndOf(bytes));
        Assert.Equal(-1, ResponseHead.EndOf(bytes.AsSpan(0, 40)));
    }

    [Fact]
    public void Parse_StatusReasonAndHeaders()
    {
        var head = ResponseHead.Parse(Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo= \r\n\r\n"));

        Assert.NotNull(head);
        Assert.Equal(101, head.StatusCode);
        Assert.Equal("Switching Protocols", head.ReasonPhrase);
        Assert.Equal(new KeyValuePair<string, string>[] { new("Upgrade", "websocket"), new("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") }, head.Headers);
    }

    [Theory]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n continued\r\n\r\n")] // obsolete line folding
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nBad Name: x\r\n\r\n")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nno colon\r\n\r\n")]
    [InlineData("HTTP/2 101 Switching Protocols\r\n\r\n")]
    [InlineData("HTTP/1.1 1O1 Switching Protocols\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n")]
    public void Parse_MalformedHead_IsNull(string text)
    {
        Assert.Null(ResponseHead.Parse(Encoding.ASCII.GetBytes(text)));
    }
}
