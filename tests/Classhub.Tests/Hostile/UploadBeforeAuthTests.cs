using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Classhub.EndToEnd.Tests;

namespace Classhub.Tests.Hostile;

/// <summary>
/// The upload endpoints (assignment push, roster preview) against strangers and students, end to end: who is asking is
/// decided before any of the body is read, so a 300 MB upload from someone who may not upload is answered while the
/// client is still sending, and nothing of it is buffered. A malformed upload from staff is a 400 that says what is wrong.
/// </summary>
[Collection("hub")]
public sealed class UploadBeforeAuthTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private const long Huge = 300L * 1024 * 1024;

    /// <summary>What a client may have pushed into socket buffers before it sees the answer; far below <see cref="Huge"/>.</summary>
    private const long BeforeAnswer = 16L * 1024 * 1024;

    [Theory]
    [InlineData("assignments/push")]
    [InlineData("roster/preview")]
    public async Task Anonymous300MB_IsAnsweredBeforeTheBodyIsRead(string endpoint)
    {
        var course = await CourseAsync();

        var (status, head, sent) = await PostHugeAsync($"/hub/courses/{course}/{endpoint}", cookie: null);

        Assert.True(sent < BeforeAnswer, $"the hub answered only after {sent} of {Huge} bytes: {head}");
        Assert.True(status is 302 or 401, head);
        Assert.Empty(Uploads());
    }

    [Theory]
    [InlineData("assignments/push")]
    [InlineData("roster/preview")]
    public async Task Student300MB_Gets403BeforeTheBodyIsRead(string endpoint)
    {
        var course = await CourseAsync();
        var student = await hub.CreateUserAsync("student password");
        await RosterAsync(course, student);
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(student, "student password");

        var (status, head, sent) = await PostHugeAsync($"/hub/courses/{course}/{endpoint}", $"classhub-session={browser.Cookie("classhub-session")}");

        Assert.True(sent < BeforeAnswer, $"the hub answered only after {sent} of {Huge} bytes: {head}");
        Assert.Equal(403, status);
        Assert.Empty(Uploads());
    }

    [Theory]
    [InlineData("assignments/push", "multipart/form-data")]
    [InlineData("assignments/push", "multipart/form-data; boundary=")]
    [InlineData("roster/preview", "multipart/form-data")]
    [InlineData("roster/preview", "multipart/form-data; boundary=\"unterminated")]
    public async Task Staff_MalformedMultipart_Gets400SayingWhatIsWrong(string endpoint, string contentType)
    {
        var course = await CourseAsync();
        var ta = await hub.CreateUserAsync("ta password");
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "staff", "add", course, ta, "--role", "ta")).ExitCode);
        using var browser = new Browser(hub.Hub.Url);
        await browser.SignInAsync(ta, "ta password");
        await browser.GetAsync($"/hub/courses/{course}");
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes($"_csrf={browser.LastCsrf}&name=hw1"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await browser.Client.PostAsync($"/hub/courses/{course}/{endpoint}", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid upload", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    private async Task<string> CourseAsync()
    {
        var course = "u" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await hub.Hub.CliAsync("course", "create", course, "--title", "Uploads")).ExitCode);
        return course;
    }

    private async Task RosterAsync(string course, string student)
    {
        var csv = Path.Combine(hub.Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"username,name,email\n{student},Sam Student,{student}@example.edu\n");
        Assert.Equal(0, (await hub.Hub.CliAsync("roster", "import", course, csv)).ExitCode);
    }

    /// <summary>Files the upload endpoints left in the hub's upload folder.</summary>
    private string[] Uploads()
    {
        var folder = Path.Combine(hub.Hub.DataDir, "uploads");
        return Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder) : [];
    }

    /// <summary>
    /// Sends a multipart POST announcing <see cref="Huge"/> bytes over a raw socket, a chunk at a time, and stops sending
    /// as soon as the answer's first bytes arrive (or the hub closes). Returns the status, the answer's head, and how
    /// many body bytes had been sent by then.
    /// </summary>
    private async Task<(int Status, string Head, long Sent)> PostHugeAsync(string path, string? cookie)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, hub.Hub.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{hub.Hub.Port}\r\n")
            .Append("Content-Type: multipart/form-data; boundary=xyzzy\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {Huge}\r\n")
            .Append(cookie is null ? "" : $"Cookie: {cookie}\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
        var buffer = new byte[8192];
        var read = stream.ReadAsync(buffer, overall.Token).AsTask();
        _ = read.ContinueWith(_ => answered.Cancel(), TaskScheduler.Default);

        var part = Encoding.ASCII.GetBytes("--xyzzy\r\nContent-Disposition: form-data; name=\"zip\"; filename=\"big.zip\"\r\nContent-Type: application/zip\r\n\r\n");
        var chunk = new byte[256 * 1024];
        part.CopyTo(chunk, 0);
        long sent = 0;
        try
        {
            while (sent < Huge && !read.IsCompleted)
            {
                var n = (int)Math.Min(chunk.Length, Huge - sent);
                await stream.WriteAsync(chunk.AsMemory(0, n), answered.Token);
                sent += n;
                Array.Clear(chunk, 0, part.Length);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The answer came (or the hub closed the connection) while a chunk was on its way.
        }

        var got = await read;
        var text = Encoding.ASCII.GetString(buffer, 0, got);
        var status = text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        return (status, text.Split("\r\n\r\n")[0], sent);
    }
}
