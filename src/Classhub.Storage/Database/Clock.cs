namespace Classhub.Storage.Database;

/// <summary>Times are stored as Unix milliseconds; these convert at the storage boundary.</summary>
internal static class Clock
{
    public static long ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? ToDb(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromDb(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? FromDb(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
