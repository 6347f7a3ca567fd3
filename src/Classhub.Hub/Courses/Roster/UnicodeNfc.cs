using System.Text;

namespace Classhub.Hub.Courses.Roster;

/// <summary>
/// Unicode Normalization Form C (UAX #15): canonical decomposition, canonical ordering, canonical composition.
/// Needed because the appliance runs with InvariantGlobalization, where <see cref="string.Normalize()"/> leaves
/// non-ASCII text unchanged. Tables come from <see cref="UnicodeNfcTables"/> (see generate-nfc-tables.py).
/// </summary>
internal static class UnicodeNfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>Below U+0300 every character is already NFC and never combines with what precedes it.</summary>
    private const char FirstNonTrivial = '\u0300';

    private static readonly Dictionary<int, int[]> DecompositionByCodePoint = BuildDecompositions();
    private static readonly Dictionary<long, int> CompositeByPair = BuildCompositions();

    public static string Normalize(string value)
    {
        if (!value.AsSpan().ContainsAnyExceptInRange('\0', (char)(FirstNonTrivial - 1)))
        {
            return value;
        }

        var codePoints = Decompose(value);
        Reorder(codePoints);
        Compose(codePoints);

        var text = new StringBuilder(value.Length);
        foreach (var codePoint in codePoints)
        {
            text.Append(new Rune(codePoint).ToString());
        }

        return text.ToString();
    }

    private static List<int> Decompose(string value)
    {
        var codePoints = new List<int>(value.Length + 8);
        foreach (var rune in value.EnumerateRunes())
        {
            var codePoint = rune.Value;
            if (codePoint is >= SBase and < SBase + SCount)
            {
                var index = codePoint - SBase;
                codePoints.Add(LBase + (index / NCount));
                codePoints.Add(VBase + (index % NCount / TCount));
                if (index % TCount != 0)
                {
                    codePoints.Add(TBase + (index % TCount));
                }
            }
            else if (DecompositionByCodePoint.TryGetValue(codePoint, out var decomposition))
            {
                codePoints.AddRange(decomposition);
            }
            else
            {
                codePoints.Add(codePoint);
            }
        }

        return codePoints;
    }

    /// <summary>Stable sort of each run of combining marks by combining class (insertion sort: runs are short).</summary>
    private static void Reorder(List<int> codePoints)
    {
        for (var i = 1; i < codePoints.Count; i++)
        {
            var current = codePoints[i];
            var currentClass = CombiningClass(current);
            if (currentClass == 0)
            {
                continue;
            }

            var j = i;
            while (j > 0 && CombiningClass(codePoints[j - 1]) > currentClass)
            {
                codePoints[j] = codePoints[j - 1];
                j--;
            }

            codePoints[j] = current;
        }
    }

    /// <summary>The canonical composition algorithm: a mark combines with the last starter unless blocked.</summary>
    private static void Compose(List<int> codePoints)
    {
        if (codePoints.Count == 0)
        {
            return;
        }

        var starterIndex = 0;
        var lastClass = CombiningClass(codePoints[0]) == 0 ? 0 : 256;
        var written = 1;
        for (var i = 1; i < codePoints.Count; i++)
        {
            var codePoint = codePoints[i];
            var codePointClass = CombiningClass(codePoint);
            if ((lastClass < codePointClass || lastClass == 0) && Composite(codePoints[starterIndex], codePoint) is { } composite)
            {
                codePoints[starterIndex] = composite;
                continue;
            }

            if (codePointClass == 0)
            {
                starterIndex = written;
            }

            lastClass = codePointClass;
            codePoints[written++] = codePoint;
        }

        codePoints.RemoveRange(written, codePoints.Count - written);
    }

    private static int? Composite(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }

        return CompositeByPair.TryGetValue(Pair(first, second), out var composite) ? composite : null;
    }

    private static int CombiningClass(int codePoint)
    {
        if (codePoint < FirstNonTrivial)
        {
            return 0;
        }

        var ranges = UnicodeNfcTables.CombiningClassRanges;
        int low = 0, high = (ranges.Length / 3) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (codePoint < ranges[middle * 3])
            {
                high = middle - 1;
            }
            else if (codePoint > ranges[(middle * 3) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return ranges[(middle * 3) + 2];
            }
        }

        return 0;
    }

    private static long Pair(int first, int second) => ((long)first << 21) | (uint)second;

    private static Dictionary<int, int[]> BuildDecompositions()
    {
        var table = UnicodeNfcTables.Decompositions;
        var map = new Dictionary<int, int[]>();
        for (var i = 0; i < table.Length; i += 2 + table[i + 1])
        {
            map[table[i]] = table.Slice(i + 2, table[i + 1]).ToArray();
        }

        return map;
    }

    private static Dictionary<long, int> BuildCompositions()
    {
        var table = UnicodeNfcTables.Compositions;
        var map = new Dictionary<long, int>(table.Length / 3);
        for (var i = 0; i < table.Length; i += 3)
        {
            map[Pair(table[i], table[i + 1])] = table[i + 2];
        }

        return map;
    }
}
