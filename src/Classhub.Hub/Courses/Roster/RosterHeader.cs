namespace Classhub.Hub.Courses.Roster;

/// <summary>The header row, looked up by a loose key (case, spaces, '_' and '-' ignored), first match wins.</summary>
internal sealed class RosterHeader
{
    private readonly Dictionary<string, RosterColumn> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);

    public RosterHeader(IReadOnlyList<string> cells)
    {
        Cells = cells;
        for (var i = 0; i < cells.Count; i++)
        {
            _byKey.TryAdd(Key(cells[i]), new RosterColumn(i, cells[i]));
            _exact.Add(cells[i]);
        }
    }

    public IReadOnlyList<string> Cells { get; }

    public RosterColumn? Find(params string[] names)
    {
        foreach (var name in names)
        {
            if (_byKey.TryGetValue(Key(name), out var column))
            {
                return column;
            }
        }

        return null;
    }

    public bool Has(params string[] names) => names.All(name => _byKey.ContainsKey(Key(name)));

    /// <summary>Case-sensitive, as tools that require exact field names (Moodle) write them.</summary>
    public bool HasExactly(params string[] names) => names.All(_exact.Contains);

    private static string Key(string header)
    {
        Span<char> buffer = stackalloc char[Math.Min(header.Length, 256)];
        var length = 0;
        foreach (var c in header.AsSpan(0, buffer.Length))
        {
            if (c is not (' ' or '_' or '-'))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }
}
