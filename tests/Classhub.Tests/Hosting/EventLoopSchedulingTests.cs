using Classhub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Tests.Hosting;

/// <summary>
/// Hub requests must never run on a socket event thread, not even after an await that the event thread completes
/// (Kestrel's inline scheduling resumes a request-body read there). A dedicated thread plays the event thread.
/// </summary>
public sealed class EventLoopSchedulingTests
{
    [Fact]
    public async Task HubRequest_StartsAndResumesOnThePool_EvenWhenTheEventThreadCompletesItsAwait()
    {
        var bodyArrived = new TaskCompletionSource(); // completes continuations synchronously, like an inline socket
        var seen = new List<(string Where, bool OnPool)>();
        RequestDelegate hubEndpoint = async _ =>
        {
            seen.Add(("start", Thread.CurrentThread.IsThreadPoolThread));
            await bodyArrived.Task;
            seen.Add(("after the body", Thread.CurrentThread.IsThreadPoolThread));
            await Task.Delay(1);
            seen.Add(("after a timer", Thread.CurrentThread.IsThreadPoolThread));
        };

        var request = await OnEventThread(() => EventLoopScheduling.OnThreadPool(new DefaultHttpContext(), hubEndpoint));
        await WaitUntil(() => seen.Count == 1);
        await OnEventThread(() => { bodyArrived.SetResult(); return Task.CompletedTask; });
        await request.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([("start", true), ("after the body", true), ("after a timer", true)], seen);
    }

    [Fact]
    public async Task WithoutTheContext_TheSameAwaitResumesOnTheEventThread()
    {
        // The control: what a hub request would do without EventLoopScheduling.
        var bodyArrived = new TaskCompletionSource();
        bool? resumedOnPool = null;
        var request = await OnEventThread(async () =>
        {
            await bodyArrived.Task;
            resumedOnPool = Thread.CurrentThread.IsThreadPoolThread;
        });
        await OnEventThread(() => { bodyArrived.SetResult(); return Task.CompletedTask; });
        await request.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(resumedOnPool);
    }

    /// <summary>Runs <paramref name="start"/> on a new non-pool thread and returns the task it started.</summary>
    private static Task<Task> OnEventThread(Func<Task> start)
    {
        var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => started.SetResult(start())) { IsBackground = true, Name = "event thread" };
        thread.Start();
        return started.Task;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
