namespace Classhub.Acme.Tests.Infrastructure;

/// <param name="NonceRejectPercent">PEBBLE_WFE_NONCEREJECT: share of good nonces Pebble rejects as badNonce.</param>
/// <param name="CertificateValiditySeconds">Pebble's <c>certificateValidityPeriod</c>; null keeps its default.</param>
/// <param name="ChainLength">PEBBLE_CHAIN_LENGTH: intermediates between leaf and root.</param>
internal sealed record PebbleSettings(int NonceRejectPercent = 0, int? CertificateValiditySeconds = null, int ChainLength = 1);
