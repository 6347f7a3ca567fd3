namespace Classhub.Core.Results;

/// <summary>
/// An expected failure, returned as a value rather than thrown. <see cref="Reason"/> is stable (for tests,
/// metrics and the API's problem type), <see cref="UserMessage"/> is safe to show to the person who asked,
/// <see cref="LogMessage"/> says what was being done for the operator's log (never a secret).
/// </summary>
public sealed record Failure(string Reason, string UserMessage, string LogMessage)
{
    public static Failure Of(string reason, string message) => new(reason, message, message);

    public override string ToString() => $"{Reason}: {LogMessage}";
}
