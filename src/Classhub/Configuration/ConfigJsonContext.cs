using System.Text.Json.Serialization;

namespace Classhub.Configuration;

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
