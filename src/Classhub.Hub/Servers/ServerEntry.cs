using Classhub.Core.Servers;

namespace Classhub.Hub.Servers;

/// <summary>The hub's live view of one user's server. Mutated only under <see cref="Gate"/>.</summary>
internal sealed class ServerEntry(long userId, string userName)
{
    public long UserId { get; } = userId;

    public string UserName { get; } = userName;

    /// <summary>Serializes start and stop of this user's server.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ServerPhase Phase { get; set; }

    public Uri? Url { get; set; }

    public string? State { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? LastActivity { get; set; }

    /// <summary>True when <see cref="LastActivity"/> changed since it was last written to the database.</summary>
    public bool ActivityDirty { get; set; }

    public string? LastError { get; set; }

    public SpawnProgress Progress { get; set; } = new();

    public Task? Pending { get; set; }

    /// <summary>
    /// Cancelled when a stop is asked for while a start is pending: the start gives up at once (its spawner leaves no
    /// half-started server) and the stop takes over, instead of the stop waiting out the start timeout.
    /// </summary>
    public CancellationTokenSource StopRequested { get; set; } = new();

    /// <summary>Completed by the server's own address report, for spawners that cannot know the address (cluster jobs).</summary>
    public TaskCompletionSource<Uri> AddressReport { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
