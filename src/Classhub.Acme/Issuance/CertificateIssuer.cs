using Classhub.Acme.Certificates;
using Classhub.Acme.Challenges;
using Classhub.Acme.Protocol;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Issuance;

/// <summary>
/// One RFC 8555 issuance: account, order, http-01 for every authorization, finalize with a fresh key's CSR,
/// download. Every expected failure comes back as an <see cref="AcmeProblem"/> saying which step failed.
/// </summary>
internal sealed class CertificateIssuer
{
    // Polls of one authorization or order before giving up; each waits the CA's Retry-After (default 1 s).
    private const int MaxPolls = 60;
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(30);

    private readonly Http01ChallengeStore _challenges;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CertificateIssuer(Http01ChallengeStore challenges, TimeProvider time, ILogger logger)
    {
        _challenges = challenges;
        _time = time;
        _logger = logger;
    }

    public async Task<AcmeResult<IssuedCertificate>> IssueAsync(
        AcmeClient client,
        IReadOnlyList<string> domains,
        string? email,
        CertificateKeyType keyType,
        string? replaces,
        CancellationToken cancellationToken)
    {
        var names = string.Join(", ", domains);
        var account = await client.NewAccountAsync(email, cancellationToken);
        if (!account.Ok)
        {
            return account.Problem;
        }
        var created = await client.NewOrderAsync(domains, replaces, cancellationToken);
        if (!created.Ok)
        {
            return created.Problem;
        }
        var (orderUrl, order) = created.Value;
        _logger.OrderCreated(orderUrl, names);

        foreach (var authorizationUrl in order.Authorizations)
        {
            var authorized = await AuthorizeAsync(client, authorizationUrl, cancellationToken);
            if (!authorized.Ok)
            {
                return authorized.Problem;
            }
        }

        var ready = await PollAsync(orderUrl, o => o.Status is not "pending", client.GetOrderAsync, "waiting for the order to become ready", cancellationToken);
        if (!ready.Ok)
        {
            return ready.Problem;
        }
        if (ready.Value.Status != "ready")
        {
            return OrderProblem(ready.Value, "waiting for the order to become ready");
        }

        using var csr = CertificateSigningRequest.Create(domains, keyType);
        var finalized = await client.FinalizeAsync(ready.Value.Finalize, csr.Der, cancellationToken);
        if (!finalized.Ok)
        {
            return finalized.Problem;
        }
        var valid = finalized.Value.Resource;
        if (valid.Status is "processing" or "ready")
        {
            var polled = await PollAsync(orderUrl, o => o.Status is not ("processing" or "ready"), client.GetOrderAsync, "waiting for the certificate", cancellationToken);
            if (!polled.Ok)
            {
                return polled.Problem;
            }
            valid = polled.Value;
        }
        if (valid.Status != "valid" || valid.Certificate is null)
        {
            return OrderProblem(valid, "waiting for the certificate");
        }

        var chain = await client.DownloadCertificateAsync(valid.Certificate, cancellationToken);
        if (!chain.Ok)
        {
            return chain.Problem;
        }
        _logger.CertificateIssued(names, valid.Certificate);
        var bundle = chain.Value.TrimEnd() + "\n" + csr.PrivateKeyPem + "\n";
        return AcmeResult<IssuedCertificate>.Success(new IssuedCertificate(bundle, account.Value.AccountUrl, account.Value.Created));
    }

    private async Task<AcmeResult<AcmeAuthorization>> AuthorizeAsync(AcmeClient client, string url, CancellationToken cancellationToken)
    {
        var read = await client.GetAuthorizationAsync(url, cancellationToken);
        if (!read.Ok)
        {
            return read.Problem;
        }
        var authorization = read.Value.Resource;
        if (authorization.Status == "valid")
        {
            return AcmeResult<AcmeAuthorization>.Success(authorization);
        }
        var domain = authorization.Identifier.Value;
        var doing = $"validating {domain} with http-01";
        var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == "http-01" && c.Token is not null);
        if (challenge?.Token is not { } token)
        {
            return new AcmeProblem(AcmeProblemTypes.NoSupportedChallenge, "the CA offered no http-01 challenge", doing);
        }

        _challenges.Add(token, client.Key.KeyAuthorization(token));
        try
        {
            _logger.AnsweringChallenge(domain);
            if (challenge.Status == "pending")
            {
                var answered = await client.RespondToChallengeAsync(challenge.Url, cancellationToken);
                if (!answered.Ok)
                {
                    return answered.Problem.While(doing);
                }
            }
            var final = await PollAsync(url, a => a.Status is not "pending", client.GetAuthorizationAsync, doing, cancellationToken);
            if (!final.Ok)
            {
                return final.Problem;
            }
            if (final.Value.Status == "valid")
            {
                return final;
            }
            var failed = final.Value.Challenges.FirstOrDefault(c => c.Url == challenge.Url);
            return new AcmeProblem(
                failed?.Error?.Type ?? AcmeProblemTypes.Invalid,
                AcmeJson.Describe(failed?.Error) ?? $"the authorization ended {final.Value.Status}",
                doing);
        }
        finally
        {
            _challenges.Remove(token);
        }
    }

    private async Task<AcmeResult<T>> PollAsync<T>(
        string url,
        Func<T, bool> isSettled,
        Func<string, CancellationToken, Task<AcmeResult<Polled<T>>>> read,
        string doing,
        CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < MaxPolls; poll++)
        {
            var result = await read(url, cancellationToken);
            if (!result.Ok)
            {
                return result.Problem.While(doing);
            }
            if (isSettled(result.Value.Resource))
            {
                return AcmeResult<T>.Success(result.Value.Resource);
            }
            var wait = result.Value.RetryAfter ?? DefaultPollInterval;
            await Task.Delay(wait > MaxPollInterval ? MaxPollInterval : wait, _time, cancellationToken);
        }
        return new AcmeProblem(AcmeProblemTypes.Timeout, $"still not settled after {MaxPolls} polls", doing);
    }

    private static AcmeProblem OrderProblem(AcmeOrder order, string doing) =>
        new(order.Error?.Type ?? AcmeProblemTypes.Invalid, AcmeJson.Describe(order.Error) ?? $"the order is {order.Status}", doing);
}
