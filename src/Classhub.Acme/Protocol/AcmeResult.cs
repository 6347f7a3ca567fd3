using System.Diagnostics.CodeAnalysis;

namespace Classhub.Acme.Protocol;

/// <summary>Either a value or an expected <see cref="AcmeProblem"/>.</summary>
internal readonly record struct AcmeResult<T>
{
    private AcmeResult(T? value, AcmeProblem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public AcmeProblem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Ok => Problem is null;

    public static AcmeResult<T> Success(T value) => new(value, null);

    public static AcmeResult<T> Fail(AcmeProblem problem) => new(default, problem);

    public static implicit operator AcmeResult<T>(AcmeProblem problem) => Fail(problem);
}
