namespace Classhub.Core.Servers;

/// <summary>Limits applied to one server; null means unlimited.</summary>
public sealed record ResourceLimits(long? MemoryBytes = null, double? Cpus = null, int? Tasks = null, int? OpenFiles = null)
{
    public static readonly ResourceLimits None = new();
}
