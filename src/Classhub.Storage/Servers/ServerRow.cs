namespace Classhub.Storage.Servers;

internal sealed class ServerRow
{
    public long UserId { get; set; }

    public string UserName { get; set; } = "";

    public int Phase { get; set; }

    public string? Url { get; set; }

    public string? Spawner { get; set; }

    public string? State { get; set; }

    public long? StartedAt { get; set; }

    public long? LastActivity { get; set; }

    public string? LastError { get; set; }
}
