using System.Text.RegularExpressions;

namespace Classhub.Core.Assignments;

/// <summary>
/// The rule for assignment names: they become a folder under <c>~/&lt;course&gt;/</c>, so
/// <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c> (no '/', no '..', no leading '.' or '-').
/// </summary>
public static partial class AssignmentName
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Null when <paramref name="name"/> is acceptable, otherwise what is wrong and how to fix it.</summary>
    public static string? Problem(string name) =>
        name.Length == 0 ? "the assignment name is empty"
        : Pattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal) ? null
        : $"'{name}' is not a valid assignment name: use 1-64 characters A-Z, a-z, 0-9, '_', '.', '-', starting with a letter or digit (it becomes a folder name)";
}
