using System.IO.Pipelines;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// The transport <see cref="ConnectionHandoff"/> gives Kestrel's HTTP layer: the browser's own pipe until
/// <see cref="Detach"/>; after it, reads end (as if the browser had closed) and writes are dropped (the HTTP layer's
/// default answer to the request that handed off, which the browser must never see), and completing either side leaves
/// the browser's pipe open for the relay.
/// </summary>
internal sealed class HandoffPipe : IDuplexPipe
{
    private volatile bool _detached;

    public HandoffPipe(IDuplexPipe browser)
    {
        Input = new Reader(browser.Input, this);
        Output = new Writer(browser.Output, this);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public void Detach() => _detached = true;

    private sealed class Reader(PipeReader browser, HandoffPipe pipe) : PipeReader
    {
        private static readonly ReadResult Ended = new(System.Buffers.ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

        private bool Detached => pipe._detached;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Detached ? ValueTask.FromResult(Ended) : browser.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result)
        {
            if (Detached)
            {
                result = Ended;
                return true;
            }

            return browser.TryRead(out result);
        }

        public override void AdvanceTo(SequencePosition consumed)
        {
            if (!Detached)
            {
                browser.AdvanceTo(consumed);
            }
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (!Detached)
            {
                browser.AdvanceTo(consumed, examined);
            }
        }

        public override void CancelPendingRead()
        {
            if (!Detached)
            {
                browser.CancelPendingRead();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                browser.Complete(exception);
            }
        }
    }

    private sealed class Writer(PipeWriter browser, HandoffPipe pipe) : PipeWriter
    {
        private static readonly FlushResult Ended = new(isCanceled: false, isCompleted: true);
        private static readonly byte[] Discard = new byte[4096];

        private bool Detached => pipe._detached;

        public override bool CanGetUnflushedBytes => browser.CanGetUnflushedBytes;

        public override long UnflushedBytes => Detached ? 0 : browser.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) =>
            !Detached ? browser.GetMemory(sizeHint) : sizeHint <= Discard.Length ? Discard : new byte[sizeHint];

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (!Detached)
            {
                browser.Advance(bytes);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            Detached ? ValueTask.FromResult(Ended) : browser.FlushAsync(cancellationToken);

        public override void CancelPendingFlush()
        {
            if (!Detached)
            {
                browser.CancelPendingFlush();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                browser.Complete(exception);
            }
        }
    }
}
