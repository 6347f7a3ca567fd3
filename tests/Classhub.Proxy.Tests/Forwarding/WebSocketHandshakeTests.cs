using System.Net;
using System.Text;

namespace Classhub.Proxy.Forwarding.Tests;

public sealed class WebSocketHandshakeTests
{
    [Fact]
    public void RequestHead_BrowserHostFirst_ThenEveryValueOnALineOfItsOwn()
    {
        using var request = Upgrade("http://127.0.0.1:8123/user/alice/api/kernels/k1/channels?session_id=s1");
        request.Headers.Host = "hub.example.edu";
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", ["v1.kernel.websocket.jupyter.org", "chat"]);

        var head = Encoding.Latin1.GetString(WebSocketHandshake.RequestHead(request));

        Assert.Equal(
            "GET /user/alice/api/kernels/k1/channels?session_id=s1 HTTP/1.1\r\nHost: hub.example.edu\r\n" +
            "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Protocol: v1.kernel.websocket.jupyter.org\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
            head);
    }

    [Fact]
    public void RequestHead_WithoutHost_UsesTheServersAuthority()
    {
        using var request = Upgrade("http://127.0.0.1:8123/user/alice/api/events/subscribe");

        Assert.StartsWith("GET /user/alice/api/events/subscribe HTTP/1.1\r\nHost: 127.0.0.1:8123\r\n", Encoding.Latin1.GetString(WebSocketHandshake.RequestHead(request)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void RequestHead_ValueThatWouldSplitTheHead_IsRefused(string value)
    {
        using var request = Upgrade("http://127.0.0.1:8123/user/alice/api/kernels/k1/channels");
        request.Headers.TryAddWithoutValidation("Cookie", value);

        var e = Assert.Throws<HttpRequestException>(() => WebSocketHandshake.RequestHead(request));
        Assert.Contains("'Cookie'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptFor_TheKeyOfRfc6455_IsTheAcceptOfRfc6455()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void NewKey_SixteenRandomBytesInBase64_NeverTheSameTwice()
    {
        var first = WebSocketHandshake.NewKey();

        Assert.Equal(16, Convert.FromBase64String(first).Length);
        Assert.NotEqual(first, WebSocketHandshake.NewKey());
    }

    private static HttpRequestMessage Upgrade(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        return request;
    }
}
