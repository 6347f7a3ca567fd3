namespace Classhub.Acme.Protocol;

/// <summary>
/// An expected ACME failure, returned as a value. <see cref="Type"/> is the RFC 8555 problem type
/// (<c>urn:ietf:params:acme:error:*</c>) or one of ours (<c>urn:classhub:acme:*</c>) for failures that never
/// reached the CA; <see cref="Doing"/> says what was being done; <see cref="RetryAfter"/> is the server's
/// Retry-After, when it sent one (honoured by the back-off).
/// </summary>
internal sealed record AcmeProblem(string Type, string Detail, string Doing, TimeSpan? RetryAfter = null)
{
    public string Message => $"{Doing}: {Detail} ({Type})";

    public AcmeProblem While(string doing) => this with { Doing = doing };

    public override string ToString() => Message;
}
