using System.Text.Json.Serialization;

namespace Classhub.Cli;

/// <summary>Source-generated JSON for the CLI's <c>--json</c> output (snake_case like the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<UserListItem>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
