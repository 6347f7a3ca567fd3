namespace Classhub.Hub.Servers;

/// <summary>One step of a server's start, as shown on the spawn page and sent on the progress event stream.</summary>
internal sealed record ProgressEvent(int Progress, string Message, bool Ready = false, bool Failed = false, string? Url = null);

/// <summary>The append-only list of progress events of one start; readers poll from an index.</summary>
internal sealed class SpawnProgress
{
    private readonly List<ProgressEvent> _events = [];

    public void Add(ProgressEvent e)
    {
        lock (_events)
        {
            _events.Add(e);
        }
    }

    public IReadOnlyList<ProgressEvent> Since(int index)
    {
        lock (_events)
        {
            return index >= _events.Count ? [] : _events.GetRange(index, _events.Count - index);
        }
    }

    public bool Finished
    {
        get
        {
            lock (_events)
            {
                return _events.Count > 0 && (_events[^1].Ready || _events[^1].Failed);
            }
        }
    }
}
