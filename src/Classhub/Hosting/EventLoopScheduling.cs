using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Classhub.Hosting;

/// <summary>
/// Proxied requests run start to finish on the socket event threads, the way nginx runs them: no hand-off to the
/// thread pool on receive, on forward or on reply. On 2 cores this halved the proxy's added median latency and cut
/// its CPU per request by a third (bench/results). Everything else the hub serves (pages, the API, uploads, SQLite)
/// is moved to the thread pool and kept there, so a slow query or a big roster upload never holds up the event
/// thread that other people's notebooks are waiting on.
/// </summary>
internal static class EventLoopScheduling
{
    private const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Must run before the first socket of the process is created (the runtime reads the switch once).</summary>
    public static void Enable(WebApplicationBuilder builder)
    {
        // The runtime offers this only as an environment variable; spawned servers get an environment of their own.
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
    }

    /// <summary>Moves every request outside <paramref name="inlinePrefix"/> to the thread pool, for its whole life.</summary>
    public static void KeepOffEventLoop(WebApplication app, PathString inlinePrefix) =>
        app.Use((context, next) => context.Request.Path.StartsWithSegments(inlinePrefix) ? next(context) : OnThreadPool(context, next));

    internal static async Task OnThreadPool(HttpContext context, RequestDelegate next)
    {
        // From here on every await of the request (including one on the request body, which Kestrel would otherwise
        // resume on the event thread) comes back to the pool through the context.
        await ThreadPoolContext.Instance;
        await next(context);
    }

    /// <summary>Runs posted continuations on the thread pool, with itself as their context, so the next await comes back too.</summary>
    internal sealed class ThreadPoolContext : SynchronizationContext
    {
        public static readonly ThreadPoolContext Instance = new();

        public override SynchronizationContext CreateCopy() => this;

        public override void Post(SendOrPostCallback d, object? state) =>
            ThreadPool.UnsafeQueueUserWorkItem(new Work(d, state), preferLocal: false);

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Send would block an event thread.");

        /// <summary><c>await ThreadPoolContext.Instance</c> continues on the pool, inside this context.</summary>
        public Switch GetAwaiter() => default;

        internal readonly struct Switch : System.Runtime.CompilerServices.INotifyCompletion
        {
            public bool IsCompleted => false;

            public void OnCompleted(Action continuation) => Instance.Post(static c => ((Action)c!)(), continuation);

            public void GetResult()
            {
            }
        }

        private sealed record Work(SendOrPostCallback Callback, object? State) : IThreadPoolWorkItem
        {
            public void Execute()
            {
                SetSynchronizationContext(Instance);
                try
                {
                    Callback(State);
                }
                finally
                {
                    SetSynchronizationContext(null);
                }
            }
        }
    }
}
