using System.Text;
using Classhub.Hub.Courses;
using Classhub.Hub.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Tests.Courses;

/// <summary>Previewed roster files wait for their confirmation for an hour, then go; none is left half-written.</summary>
public sealed class RosterUploadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-uploads-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly RosterUploads _uploads;

    public RosterUploadsTests()
    {
        _uploads = new RosterUploads(new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:1"), InternalUrl = new Uri("http://127.0.0.1:1") }, _time);
    }

    private string UploadsDir => Path.Combine(_dir, "uploads");

    private static MemoryStream Csv(string text = "username\nalice\n") => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Saved_IsFoundForItsCourseOnly_WithTheSameBytes_PrivateToTheHub()
    {
        var saved = await _uploads.SaveAsync("cs101", Csv("username\nbob\n"), CancellationToken.None);

        Assert.Equal(saved.Path, _uploads.Find("cs101", saved.Id)?.Path);
        Assert.Null(_uploads.Find("math2", saved.Id));
        Assert.Equal("username\nbob\n", await File.ReadAllTextAsync(saved.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved.Path));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF00ABCDEF00ABCDEF00ABCDEF00")]
    [InlineData("")]
    public async Task IdsThatAreNotOurs_FindNothing(string id)
    {
        await _uploads.SaveAsync("cs101", Csv(), CancellationToken.None);

        Assert.Null(_uploads.Find("cs101", id));
    }

    [Fact]
    public async Task NotConfirmedWithinTheLifetime_Expires_AndIsDeleted()
    {
        var saved = await _uploads.SaveAsync("cs101", Csv(), CancellationToken.None);
        _time.Advance(RosterUploads.Lifetime - TimeSpan.FromMinutes(1));
        Assert.NotNull(_uploads.Find("cs101", saved.Id));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(_uploads.Find("cs101", saved.Id));
        Assert.False(File.Exists(saved.Path));
    }

    [Fact]
    public async Task TheNextPreview_RemovesAbandonedUploadsOfEveryCourse_ButNotFreshOnes()
    {
        var abandoned = await _uploads.SaveAsync("cs101", Csv(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(45));
        var recent = await _uploads.SaveAsync("math2", Csv(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30));

        var next = await _uploads.SaveAsync("cs101", Csv(), CancellationToken.None);

        Assert.False(File.Exists(abandoned.Path));
        Assert.Equal(new[] { next.Path, recent.Path }.Order(StringComparer.Ordinal), Directory.GetFiles(UploadsDir).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CopyCutShort_LeavesNoFile()
    {
        await Assert.ThrowsAsync<IOException>(() => _uploads.SaveAsync("cs101", new FailingStream(), CancellationToken.None));

        Assert.Empty(Directory.GetFiles(UploadsDir));
    }

    [Fact]
    public async Task Discarded_IsGone()
    {
        var saved = await _uploads.SaveAsync("cs101", Csv(), CancellationToken.None);

        RosterUploads.Discard(saved);

        Assert.Null(_uploads.Find("cs101", saved.Id));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A browser that goes away mid-upload: some bytes, then the connection breaks.</summary>
    private sealed class FailingStream : Stream
    {
        private bool _sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sent)
            {
                throw new IOException("the connection was reset");
            }

            _sent = true;
            buffer[offset] = (byte)'u';
            return 1;
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
