namespace Classhub.Acme.Renewal;

/// <summary>RFC 9773 suggested window: renew at some time in [Start, End).</summary>
internal sealed record RenewalWindow(DateTimeOffset Start, DateTimeOffset End);
