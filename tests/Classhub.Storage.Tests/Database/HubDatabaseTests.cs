using Classhub.Storage.Users;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Storage.Database.Tests;

public sealed class HubDatabaseTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Migrate_FreshFile_AppliesEveryEmbeddedMigrationAndRecordsIt()
    {
        using var fresh = new TempDatabase();
        var other = new HubDatabase(System.IO.Path.Combine(fresh.Folder, "other.db"));

        var applied = other.Migrate();

        var embedded = Migrator.Embedded();
        Assert.NotEmpty(embedded);
        Assert.Equal(embedded.Count, applied);
        Assert.True(File.Exists(other.Path));
        Assert.Equal(embedded.Select(m => (long)m.Version), TempDatabase.Column(other.Path, "SELECT version FROM schema_migrations ORDER BY version").Cast<long>());
        Assert.Equal(embedded.Select(m => m.Name), TempDatabase.Column(other.Path, "SELECT name FROM schema_migrations ORDER BY version").Cast<string>());
        Assert.Contains("0001_initial", TempDatabase.Column(other.Path, "SELECT name FROM schema_migrations").Cast<string>());
    }

    [Fact]
    public void Open_EveryConnection_UsesSynchronousNormal()
    {
        // synchronous is per connection; FULL (SQLite's default) would fsync on every commit (every sign-in).
        for (var i = 0; i < 3; i++)
        {
            using var connection = _db.Database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous";

            Assert.Equal(1L, (long)command.ExecuteScalar()!);
        }
    }

    [Fact]
    public void Migrate_RunTwice_AppliesNothingTheSecondTime()
    {
        var before = _db.Count("SELECT COUNT(*) FROM schema_migrations");

        var applied = _db.Database.Migrate();
        var appliedAgain = new HubDatabase(_db.Path).Migrate();

        Assert.Equal(0, applied);
        Assert.Equal(0, appliedAgain);
        Assert.Equal(before, _db.Count("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(1, _db.Count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'"));
    }

    [Fact]
    public void Migrate_FreshFile_TurnsOnWalJournalMode()
    {
        // journal_mode=WAL is persistent in the file, so a new, unpooled connection reports it too.
        Assert.Equal("wal", _db.Column("PRAGMA journal_mode").Single());
        // The file header says so too (bytes 18 and 19, write and read format: 2 = WAL). The -wal and -shm files
        // are no proof: SQLite removes them when the last connection closes, which made this assertion flaky.
        var header = new byte[20];
        using (var file = new FileStream(_db.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            file.ReadExactly(header);
        }

        Assert.Equal((byte)2, header[18]);
        Assert.Equal((byte)2, header[19]);
    }

    [Fact]
    public void Migrate_FreshFile_CreatesTheHubTables()
    {
        var tables = _db.Column("SELECT name FROM sqlite_master WHERE type = 'table'").Cast<string>().ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(["users", "invites", "api_tokens", "sessions", "servers", "oauth_clients", "oauth_codes", "schema_migrations"], StringComparer.Ordinal),
            tables);
    }

    [Fact]
    public void Open_Connection_HasForeignKeysOn()
    {
        using var connection = _db.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys";

        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public void Open_ReusedPooledConnections_KeepForeignKeysSynchronousNormalAndBusyTimeout()
    {
        // The settings are applied once per native connection; every later Open of it must still have them.
        for (var i = 0; i < 5; i++)
        {
            using var first = _db.Database.Open();
            using var second = _db.Database.Open(); // two at once: the pool holds more than one native connection
            foreach (var connection in new[] { first, second })
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA foreign_keys";
                Assert.Equal(1L, command.ExecuteScalar());
                command.CommandText = "PRAGMA synchronous";
                Assert.Equal(1L, command.ExecuteScalar()); // 1 = NORMAL (2 = FULL, SQLite's default)
                command.CommandText = "PRAGMA busy_timeout";
                Assert.Equal(10000L, command.ExecuteScalar()); // SQLite waits for a lock itself, in ms steps
            }
        }
    }

    [Fact]
    public async Task Write_WhileAnotherConnectionHoldsTheWriteLock_SqliteWaitsForIt()
    {
        // Microsoft.Data.Sqlite alone gives up after CommandTimeout (1 s here) with SQLITE_BUSY; the lock is held for
        // 1.5 s, so only SQLite's own busy_timeout (10 s, waited inside one step) lets this write through.
        using var holder = _db.Database.Open();
        using var begin = holder.CreateCommand();
        begin.CommandText = "CREATE TABLE IF NOT EXISTS busy_probe (x INTEGER); BEGIN IMMEDIATE; INSERT INTO busy_probe VALUES (0);";
        begin.ExecuteNonQuery();
        var writer = Task.Run(() =>
        {
            using var other = _db.Database.Open();
            using var insert = other.CreateCommand();
            insert.CommandText = "INSERT INTO busy_probe VALUES (1)";
            insert.CommandTimeout = 1;
            insert.ExecuteNonQuery();
        });
        await Task.Delay(1500);
        Assert.False(writer.IsCompleted);

        begin.CommandText = "COMMIT";
        begin.ExecuteNonQuery();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        begin.CommandText = "SELECT count(*) FROM busy_probe";
        Assert.Equal(2L, begin.ExecuteScalar());
    }

    [Fact]
    public void Ping_MigratedDatabase_ReportsSchemaVersion()
    {
        var ok = _db.Database.Ping(out var detail);

        Assert.True(ok);
        Assert.Contains($"schema {Migrator.Embedded().Max(m => m.Version)}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ping_FileInMissingFolder_ReportsFailureWithPath()
    {
        var missing = System.IO.Path.Combine(_db.Folder, "no-such-dir", "x.db");

        var ok = new HubDatabase(missing).Ping(out var detail);

        Assert.False(ok);
        Assert.Contains(missing, detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoInstancesOnOneFile_WriteThroughOne_IsSeenByTheOther()
    {
        // As the CLI (one process) and a running hub (another) share the file.
        var cli = new UserStore(new HubDatabase(_db.Path), new FakeTimeProvider());
        var hub = new UserStore(_db.Database, _db.Time);

        Assert.NotNull(cli.Add("alice", admin: false));
        Assert.NotNull(hub.Find("alice"));

        Assert.True(hub.SetDisabled("alice", true));
        Assert.True(cli.Find("alice")!.User.IsDisabled);

        Assert.True(hub.Delete("alice"));
        Assert.Null(cli.Find("alice"));
    }
}
