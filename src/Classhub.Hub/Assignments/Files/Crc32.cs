namespace Classhub.Hub.Assignments.Files;

/// <summary>The CRC-32 of zip files (IEEE 802.3, reflected 0xEDB88320), to check an entry against its recorded checksum.</summary>
internal struct Crc32
{
    private static readonly uint[] Table = MakeTable();
    private uint _state;

    public Crc32()
    {
        _state = 0xFFFFFFFF;
    }

    public readonly uint Value => ~_state;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _state;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _state = crc;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
