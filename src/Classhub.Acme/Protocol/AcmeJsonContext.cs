using System.Text.Json.Serialization;

namespace Classhub.Acme.Protocol;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcmeDirectory))]
[JsonSerializable(typeof(AcmeNewAccountRequest))]
[JsonSerializable(typeof(AcmeAccount))]
[JsonSerializable(typeof(AcmeNewOrderRequest))]
[JsonSerializable(typeof(AcmeOrder))]
[JsonSerializable(typeof(AcmeAuthorization))]
[JsonSerializable(typeof(AcmeChallenge))]
[JsonSerializable(typeof(AcmeFinalizeRequest))]
[JsonSerializable(typeof(AcmeProblemDocument))]
[JsonSerializable(typeof(AcmeRenewalInfo))]
[JsonSerializable(typeof(JwsProtectedHeader))]
[JsonSerializable(typeof(JwsMessage))]
[JsonSerializable(typeof(EmptyObject))]
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
