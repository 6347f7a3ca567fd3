using System.Text.Json.Serialization;

namespace Classhub.Hub.Api;

/// <summary>Source-generated JSON for every wire type (Native AOT has no reflection-based serializer).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(ApiRootModel))]
[JsonSerializable(typeof(ApiInfoModel))]
[JsonSerializable(typeof(UserModel))]
[JsonSerializable(typeof(List<UserModel>))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenModel))]
[JsonSerializable(typeof(ActivityRequest))]
[JsonSerializable(typeof(ServerAddressRequest))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(ProgressModel))]
[JsonSerializable(typeof(HealthModel))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class HubJsonContext : JsonSerializerContext;
