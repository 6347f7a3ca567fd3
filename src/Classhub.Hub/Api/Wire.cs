using System.Text.Json.Serialization;

namespace Classhub.Hub.Api;

// Wire types: the JSON shapes of JupyterHub's REST API (snake_case), kept apart from rows and domain records.

internal sealed record ApiRootModel(string Version, string ClasshubVersion);

internal sealed record ApiInfoModel(string Version, string ClasshubVersion, SpawnerInfoModel Spawner, AuthenticatorInfoModel Authenticator);

internal sealed record SpawnerInfoModel(string Class, string Version);

internal sealed record AuthenticatorInfoModel(string Class, string Version);

internal sealed record ServerModel(
    string Name,
    bool Ready,
    string? Pending,
    string Url,
    string ProgressUrl,
    DateTimeOffset? Started,
    DateTimeOffset? LastActivity);

internal sealed record UserModel(
    string Kind,
    string Name,
    bool Admin,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Groups,
    string? Server,
    string? Pending,
    DateTimeOffset Created,
    DateTimeOffset? LastActivity,
    IReadOnlyDictionary<string, ServerModel> Servers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Scopes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId);

internal sealed record ApiError(int Status, string Message);

internal sealed record CreateUserRequest(bool? Admin);

internal sealed record TokenRequest(string? Note, long? ExpiresIn, IReadOnlyList<string>? Scopes);

internal sealed record TokenModel(string Token, string Id, string Kind, string User, string? Note, IReadOnlyList<string> Scopes, DateTimeOffset Created, DateTimeOffset? ExpiresAt);

internal sealed record ActivityRequest(DateTimeOffset? LastActivity, Dictionary<string, ServerActivity>? Servers);

internal sealed record ServerActivity(DateTimeOffset? LastActivity);

/// <summary>A starting server's report of where it listens: <c>{"host": "node12", "port": 41234}</c>.</summary>
internal sealed record ServerAddressRequest(string? Host, int? Port);

internal sealed record OAuthTokenResponse(string AccessToken, string TokenType, string Scope);

internal sealed record ProgressModel(int Progress, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Ready, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Failed, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url);

internal sealed record HealthModel(string Status, IReadOnlyDictionary<string, HealthCheckModel> Checks);

internal sealed record HealthCheckModel(bool Ok, string Detail);
