using System.Text.RegularExpressions;

namespace Classhub.Core.Datasets;

/// <summary>
/// The rule for dataset and kernel names: they become folder names (<c>~/datasets/&lt;name&gt;</c>, a kernelspec
/// directory), so <c>^[a-z0-9][a-z0-9_.-]{0,63}$</c>.
/// </summary>
public static partial class DatasetName
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Null when <paramref name="name"/> is acceptable, otherwise what is wrong and how to fix it.</summary>
    public static string? Problem(string name, string what = "dataset") =>
        name.Length == 0 ? $"the {what} name is empty"
        : Pattern().IsMatch(name) ? null
        : $"'{name}' is not a valid {what} name: use 1-64 characters a-z, 0-9, '_', '.', '-', starting with a letter or digit (it becomes a folder name)";
}
