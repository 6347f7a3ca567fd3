using System.Text.Json;
using System.Text.Json.Serialization;

namespace Classhub.Spawning.Systemd;

/// <summary>
/// What the hub saves for a systemd server. The unit name alone identifies the server: systemd keeps the unit
/// while it runs, whichever hub process asks.
/// </summary>
internal sealed record SystemdState(string Unit, string Host, int Port, string UnixUser)
{
    public string Serialize() => JsonSerializer.Serialize(this, SystemdJsonContext.Default.SystemdState);

    /// <summary>Reads a state string this spawner wrote; anything else is a bug in the caller and throws.</summary>
    public static SystemdState Parse(string state)
    {
        var parsed = JsonSerializer.Deserialize(state, SystemdJsonContext.Default.SystemdState);
        if (parsed is null || !SystemdUnitName.IsServerUnit(parsed.Unit))
        {
            throw new FormatException("not a systemd spawner state");
        }

        return parsed;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SystemdState))]
internal sealed partial class SystemdJsonContext : JsonSerializerContext;
