namespace Classhub.Acme.Renewal;

/// <summary>The CA's suggested window and when to ask again (its Retry-After, or a default).</summary>
internal sealed record RenewalAdvice(RenewalWindow Window, TimeSpan Recheck);
