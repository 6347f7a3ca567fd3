using System.Collections.Concurrent;

namespace Classhub.Acme.Challenges;

/// <summary>
/// Pending http-01 answers: token to key authorization. Written by the issuer while a challenge is open,
/// read by the <c>/.well-known/acme-challenge/{token}</c> endpoint. Thread-safe.
/// </summary>
internal sealed class Http01ChallengeStore
{
    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);

    public void Add(string token, string keyAuthorization) => _answers[token] = keyAuthorization;

    public void Remove(string token) => _answers.TryRemove(token, out _);

    public bool TryGet(string token, out string keyAuthorization) =>
        _answers.TryGetValue(token, out keyAuthorization!);
}
