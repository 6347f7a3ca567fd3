using System.Net.Sockets;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Both directions of an upgraded (WebSocket) connection to a user's server: the bytes that arrived with the 101
/// response first, then the socket. Holds no buffer of its own, so an idle socket costs only the socket.
/// </summary>
internal sealed class UpgradedConnectionStream(Socket socket, byte[] early) : Stream
{
    private ReadOnlyMemory<byte> _early = early;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_early.IsEmpty)
        {
            // A zero-byte read (the copy loop waiting for data without holding a buffer) returns at once: data is here.
            var count = Math.Min(buffer.Length, _early.Length);
            _early[..count].CopyTo(buffer);
            _early = count == _early.Length ? default : _early[count..]; // once delivered, the array is let go
            return count;
        }

        return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var sent = await socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
            buffer = buffer[sent..];
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
