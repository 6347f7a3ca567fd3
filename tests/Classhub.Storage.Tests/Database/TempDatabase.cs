using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Storage.Database.Tests;

/// <summary>A real, migrated SQLite file in its own temporary folder, a fake clock, and raw SQL to look behind the stores.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("classhub-storage-tests-").FullName;
        Path = System.IO.Path.Combine(Folder, "classhub.db");
        Database = new HubDatabase(Path);
        Database.Migrate();
    }

    public string Folder { get; }

    public string Path { get; }

    public HubDatabase Database { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Runs a query on a fresh, unpooled connection (not through the stores) and returns the first column of every row.</summary>
    public List<object?> Column(string sql) => Column(Path, sql);

    /// <summary>Runs a query against any database file on a fresh, unpooled connection.</summary>
    public static List<object?> Column(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<object?>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    public long Count(string sql) => (long)Column(sql).Single()!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection may still hold the file; the folder is under /tmp.
        }
    }
}
