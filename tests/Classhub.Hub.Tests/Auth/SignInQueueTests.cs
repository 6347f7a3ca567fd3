using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Auth.Tests;

/// <summary>
/// The password-check queue: slots, FIFO within an address, addresses in turn, a bound with the flood turned away
/// rather than the class, cancellation. Every "check" here is a slot the test holds and releases itself.
/// </summary>
public sealed class SignInQueueTests
{
    private const string School = "192.0.2.1";
    private const string Flood = "198.51.100.9";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task EnterAsync_FreeSlots_GrantedAtOnceUpToTheSlotCount()
    {
        var queue = new SignInQueue(slots: 2, maxWaiting: 10, _time);

        using var first = await queue.EnterAsync(School, CancellationToken.None);
        using var second = await queue.EnterAsync(School, CancellationToken.None);
        var third = queue.EnterAsync(School, CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.False(third.IsCompleted);
        Assert.Equal((2, 1), (queue.Running, queue.Waiting));

        first!.Dispose();
        using var granted = await third;
        Assert.NotNull(granted);
        Assert.Equal((2, 0), (queue.Running, queue.Waiting));
    }

    [Fact]
    public async Task Release_WaitersFromOneAddress_ServedFirstComeFirstServed()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 10, _time);
        var running = await queue.EnterAsync(School, CancellationToken.None);
        var waiting = Enumerable.Range(0, 5).Select(_ => queue.EnterAsync(School, CancellationToken.None)).ToList();

        for (var i = 0; i < 5; i++)
        {
            running!.Dispose();

            Assert.True(waiting[i].IsCompleted, $"waiter {i} was not next");
            Assert.All(waiting[(i + 1)..], w => Assert.False(w.IsCompleted));
            running = await waiting[i];
        }
    }

    [Fact]
    public async Task Release_FloodFromOneAddressThenOneFromAnother_TheOtherIsServedNext()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 100, _time);
        var running = await queue.EnterAsync(Flood, CancellationToken.None);
        var flood = Enumerable.Range(0, 50).Select(_ => queue.EnterAsync(Flood, CancellationToken.None)).ToList();
        var student = queue.EnterAsync(School, CancellationToken.None);

        // One of the flood's goes first (its address was first in line), then the school's, not 49 more floods.
        running!.Dispose();
        var afterFirst = await flood[0];
        Assert.False(student.IsCompleted);
        afterFirst!.Dispose();

        using var studentSlot = await student;
        Assert.NotNull(studentSlot);
        Assert.Equal(1, flood.Count(f => f.IsCompleted));
    }

    [Fact]
    public async Task EnterAsync_QueueFullOfOneAddressesFlood_TurnsAwayTheFloodsNewestNotTheNewcomer()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 10, _time);
        using var running = await queue.EnterAsync(Flood, CancellationToken.None);
        var flood = Enumerable.Range(0, 10).Select(_ => queue.EnterAsync(Flood, CancellationToken.None)).ToList();

        var student = queue.EnterAsync(School, CancellationToken.None);

        Assert.False(student.IsCompleted);
        Assert.True(flood[^1].IsCompletedSuccessfully);
        Assert.Null(await flood[^1]);
        Assert.All(flood[..^1], f => Assert.False(f.IsCompleted));
        Assert.Equal(10, queue.Waiting);
    }

    [Fact]
    public async Task EnterAsync_QueueFullAndTheNewcomersAddressHasTheMostWaiting_NewcomerTurnedAway()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 3, _time);
        using var running = await queue.EnterAsync(Flood, CancellationToken.None);
        var waiting = Enumerable.Range(0, 3).Select(_ => queue.EnterAsync(Flood, CancellationToken.None)).ToList();

        var turnedAway = await queue.EnterAsync(Flood, CancellationToken.None);

        Assert.Null(turnedAway);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Assert.Equal(3, queue.Waiting);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_LeavesTheQueueAndNeverGetsASlot()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 10, _time);
        var running = await queue.EnterAsync(School, CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var leaving = queue.EnterAsync(School, gone.Token);
        var staying = queue.EnterAsync(School, CancellationToken.None);

        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.Equal(1, queue.Waiting);
        running!.Dispose();
        using var next = await staying;
        Assert.NotNull(next);
        Assert.Equal((1, 0), (queue.Running, queue.Waiting));
    }

    [Fact]
    public async Task Dispose_Twice_ReleasesTheSlotOnce()
    {
        var queue = new SignInQueue(slots: 1, maxWaiting: 10, _time);
        var slot = await queue.EnterAsync(School, CancellationToken.None);

        slot!.Dispose();
        slot.Dispose();

        using var a = await queue.EnterAsync(School, CancellationToken.None);
        var b = queue.EnterAsync(School, CancellationToken.None);
        Assert.False(b.IsCompleted);
        Assert.Equal(1, queue.Running);
    }

    [Fact]
    public async Task EstimatedWait_FromHowLongSlotsWereHeld_TimesTheWaitersAheadOverTheSlots()
    {
        var queue = new SignInQueue(slots: 2, maxWaiting: 100, _time);
        for (var i = 0; i < 40; i++)
        {
            var slot = await queue.EnterAsync(School, CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(2));
            slot!.Dispose();
        }

        using var a = await queue.EnterAsync(School, CancellationToken.None);
        using var b = await queue.EnterAsync(School, CancellationToken.None);
        var waiting = Enumerable.Range(0, 9).Select(_ => queue.EnterAsync(School, CancellationToken.None)).ToList();

        // 9 waiting + the newcomer = 10 checks of ~2 s over 2 slots.
        Assert.InRange(queue.EstimatedWait.TotalSeconds, 9.9, 10.1);
    }
}
