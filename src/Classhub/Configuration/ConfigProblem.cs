namespace Classhub.Configuration;

/// <summary>One thing wrong with the configuration: where, what, and how to fix it.</summary>
internal sealed record ConfigProblem(string Where, string Message, string Fix)
{
    public override string ToString() => $"{Where}: {Message}. Fix: {Fix}";
}
