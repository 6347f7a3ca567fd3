using System.Text.Json.Serialization;

namespace Classhub.Cli;

/// <summary>A dataset as <c>classhub dataset ... --json</c> prints it.</summary>
internal sealed record DatasetItem(string Course, string Name, string Path, string MountedAt, DateTimeOffset AddedAt);

/// <summary>A kernel as <c>classhub kernel ... --json</c> prints it.</summary>
internal sealed record KernelItem(string Name, string DisplayName, string Python, string? Course, string SpecDir);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<DatasetItem>))]
[JsonSerializable(typeof(DatasetItem))]
[JsonSerializable(typeof(List<KernelItem>))]
[JsonSerializable(typeof(KernelItem))]
internal sealed partial class DatasetJsonContext : JsonSerializerContext;
