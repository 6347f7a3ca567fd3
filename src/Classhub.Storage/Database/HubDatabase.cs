using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Database;

/// <summary>
/// The hub's SQLite database file. Hands out pooled connections with foreign keys on and a busy timeout, so the
/// CLI and a running hub can share the file (WAL lets readers and one writer work at once).
/// </summary>
internal sealed class HubDatabase
{
    /// <summary>How long the hub's requests wait for another writer (a CLI import) before they fail: a person is waiting.</summary>
    public static readonly TimeSpan ServeBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a CLI command waits for the write lock. Commands queue behind each other (16 roster imports of 6,000
    /// rows at once took 12 s in all, and with 10 s the last ones failed), so they wait their turn for much longer.
    /// </summary>
    public static readonly TimeSpan CommandBusyTimeout = TimeSpan.FromMinutes(5);

    // Native connections (kept alive by the pool) whose per-connection PRAGMAs are set: a set, hence the one marker value.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    private readonly string _pragmas;

    /// <param name="path">The database file.</param>
    /// <param name="busyTimeout">How long a statement waits for another connection's lock (default <see cref="ServeBusyTimeout"/>).</param>
    public HubDatabase(string path, TimeSpan? busyTimeout = null)
    {
        SqliteNative.EnsureInitialized();
        Path = path;
        BusyTimeout = busyTimeout ?? ServeBusyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
            Pooling = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        _pragmas = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)BusyTimeout.TotalMilliseconds};");
    }

    public string Path { get; }

    /// <summary>The folder the database lives in (the data dir), named in storage failures.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    public TimeSpan BusyTimeout { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per-connection settings, applied once per native connection rather than on every Open of a pooled one
        // (two statements per Open were a tenth of the CPU of a sign-in):
        // - foreign_keys: SQLite's default is off;
        // - synchronous=NORMAL (journal_mode=WAL is per file): with FULL every commit was an fdatasync, which capped
        //   sign-ins (one session insert each) at the disk's pace. NORMAL under WAL stays consistent after a crash;
        //   only the last commits before a power cut can be lost;
        // - busy_timeout: SQLite's own wait for a lock (1 ms, 2 ms, 5 ms, ...). Without it a writer meeting another
        //   got SQLITE_BUSY at once and Microsoft.Data.Sqlite slept 150 ms before retrying: 10 concurrent sign-ins
        //   had a p90 of 100 ms and a p99 of 244 ms for 0.3 ms of work each.
        if (!Configured.TryGetValue(connection.Handle!, out _))
        {
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = _pragmas;
                pragma.ExecuteNonQuery();
            }

            Configured.AddOrUpdate(connection.Handle!, Marker);
        }

        return connection;
    }

    /// <summary>Creates the file if needed, turns on WAL and applies every pending migration.</summary>
    public int Migrate()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL"; // per file; Open set the per-connection PRAGMAs
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
