namespace Classhub.Core.Servers;

/// <summary>The life cycle of a user's server as the hub tracks it.</summary>
public enum ServerPhase
{
    Stopped = 0,
    Starting = 1,
    Running = 2,
    Stopping = 3,
}
