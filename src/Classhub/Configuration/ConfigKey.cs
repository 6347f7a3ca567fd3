namespace Classhub.Configuration;

internal enum ConfigType
{
    Text,
    Url,
    Path,
    Choice,
    Seconds,
    Integer,
    TextList,
    Boolean,
}

/// <summary>One documented configuration key: its dotted name, type, default (as JSON) and what it does.</summary>
internal sealed record ConfigKey(string Name, ConfigType Type, string DefaultJson, string Doc, IReadOnlyList<string>? Choices = null)
{
    /// <summary>The smallest value a <see cref="ConfigType.Seconds"/> or <see cref="ConfigType.Integer"/> key takes (0 unless it has no meaning).</summary>
    public int Minimum { get; init; }
}
