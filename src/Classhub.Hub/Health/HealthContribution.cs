using Classhub.Hub.Api;

namespace Classhub.Hub.Health;

/// <summary>A check that a part outside the hub (e.g. the certificate manager) adds to <c>/hub/health</c>.</summary>
internal sealed record HealthContribution(string Name, Func<HealthCheckModel> Check);
