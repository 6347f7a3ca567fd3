using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Classhub.EndToEnd.Tests;

/// <summary>Drives a real Jupyter kernel through the hub's proxy: REST to start it, the WebSocket channels to run code.</summary>
public static class JupyterKernel
{
    /// <summary>Starts a kernel (python3 unless named) in <paramref name="user"/>'s server with the browser's cookies (and Jupyter's XSRF header).</summary>
    public static async Task<string> StartAsync(Browser browser, string user, string kernelName = "python3")
    {
        var xsrf = browser.Cookie("_xsrf", $"/user/{user}/") ?? throw new InvalidOperationException("the notebook server set no _xsrf cookie");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/user/{user}/api/kernels")
        {
            Content = new StringContent($"{{\"name\":\"{kernelName}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-XSRFToken", xsrf);
        using var response = await browser.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"starting a kernel: {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>Executes <paramref name="code"/> over the kernel's WebSocket and returns what it printed to stdout.</summary>
    public static async Task<string> ExecuteAsync(Browser browser, string user, string kernelId, string code, TimeSpan? timeout = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = browser.Cookies;
        if (browser.TrustAnyCertificate)
        {
            socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        var session = Guid.NewGuid().ToString("N");
        var ws = new UriBuilder(browser.Hub) { Scheme = browser.Hub.Scheme == "https" ? "wss" : "ws", Path = $"/user/{user}/api/kernels/{kernelId}/channels", Query = $"session_id={session}" }.Uri;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(ws, cts.Token);

        var msgId = Guid.NewGuid().ToString("N");
        var message = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["msg_id"] = msgId,
                ["username"] = user,
                ["session"] = session,
                ["msg_type"] = "execute_request",
                ["version"] = "5.3",
                ["date"] = DateTimeOffset.UtcNow.ToString("O"),
            },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = new JsonObject
            {
                ["code"] = code,
                ["silent"] = false,
                ["store_history"] = true,
                ["user_expressions"] = new JsonObject(),
                ["allow_stdin"] = false,
                ["stop_on_error"] = true,
            },
            ["buffers"] = new JsonArray(),
            ["channel"] = "shell",
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);

        // The reply (shell channel) and the output (iopub) travel on different channels, so the run is over only
        // when both the execute_reply and the kernel's "idle" status for this request have arrived.
        var stdout = new StringBuilder();
        var buffer = new byte[64 * 1024];
        bool replied = false, idle = false;
        while (!(replied && idle))
        {
            using var frame = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cts.Token);
                frame.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(frame.ToArray());
            var root = doc.RootElement;
            if (!root.TryGetProperty("parent_header", out var parent) || !parent.TryGetProperty("msg_id", out var parentId) || parentId.GetString() != msgId)
            {
                continue;
            }

            var type = root.GetProperty("header").GetProperty("msg_type").GetString();
            if (type == "stream" && root.GetProperty("content").GetProperty("name").GetString() == "stdout")
            {
                stdout.Append(root.GetProperty("content").GetProperty("text").GetString());
            }
            else if (type == "error")
            {
                throw new InvalidOperationException("the kernel raised: " + root.GetProperty("content").GetProperty("evalue").GetString());
            }
            else if (type == "execute_reply")
            {
                replied = true;
            }
            else if (type == "status" && root.GetProperty("content").GetProperty("execution_state").GetString() == "idle")
            {
                idle = true;
            }
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        return stdout.ToString();
    }
}
