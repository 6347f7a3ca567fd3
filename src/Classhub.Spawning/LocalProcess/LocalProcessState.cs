using System.Text.Json;
using System.Text.Json.Serialization;

namespace Classhub.Spawning.LocalProcess;

/// <summary>
/// What the hub saves for a local server. <see cref="StartTime"/> is field 22 of /proc/PID/stat: with
/// <see cref="Pid"/> it identifies our process even after a restart, when the PID alone may have been reused.
/// </summary>
internal sealed record LocalProcessState(int Pid, int ProcessGroup, ulong StartTime, string Host, int Port, string? UnixUser)
{
    public string Serialize() => JsonSerializer.Serialize(this, LocalProcessJsonContext.Default.LocalProcessState);

    /// <summary>Reads a state string this spawner wrote; anything else is a bug in the caller and throws.</summary>
    public static LocalProcessState Parse(string state)
    {
        var parsed = JsonSerializer.Deserialize(state, LocalProcessJsonContext.Default.LocalProcessState);
        if (parsed is null || parsed.Pid <= 1 || parsed.ProcessGroup <= 1)
        {
            throw new FormatException("not a local-process spawner state");
        }

        return parsed;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LocalProcessState))]
internal sealed partial class LocalProcessJsonContext : JsonSerializerContext;
