using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Database;

/// <summary>
/// The hub's SQLite database file. Hands out pooled connections with foreign keys on and a busy timeout, so the
/// CLI and a running hub can share the file (WAL lets readers and one writer work at once).
/// </summary>
internal sealed class HubDatabase
{
    private readonly string _connectionString;

    public HubDatabase(string path)
    {
        SqliteNative.EnsureInitialized();
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            ForeignKeys = true,
            DefaultTimeout = 10,
            Pooling = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // synchronous is per connection (journal_mode=WAL is per file): without this every pooled connection ran
        // with FULL, one fdatasync per commit, which capped sign-ins (one session insert each) at the disk's pace.
        // NORMAL under WAL stays consistent after a crash; only the last commits before a power cut can be lost.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL";
            pragma.ExecuteNonQuery();
        }

        return connection;
    }

    /// <summary>Creates the file if needed, turns on WAL and applies every pending migration.</summary>
    public int Migrate()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            wal.ExecuteNonQuery();
        }

        return Migrator.Apply(connection);
    }

    /// <summary>True when the database answers a trivial query; for /hub/health.</summary>
    public bool Ping(out string detail)
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(version) FROM schema_migrations";
            var version = command.ExecuteScalar();
            detail = $"sqlite {connection.ServerVersion}, schema {version}";
            return true;
        }
        catch (SqliteException e)
        {
            detail = $"database {Path}: {e.Message}";
            return false;
        }
    }
}
