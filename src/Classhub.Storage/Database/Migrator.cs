using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Database;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each in its own IMMEDIATE transaction,
/// recording them in <c>schema_migrations</c>. Two processes starting at once serialize on the write lock.
/// </summary>
internal static class Migrator
{
    public static IReadOnlyList<(int Version, string Name)> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n["Migrations/".Length..^".sql".Length])
            .Select(n => (int.Parse(n[..4], CultureInfo.InvariantCulture), n))
            .OrderBy(m => m.Item1)
            .ToList();
    }

    public static int Apply(SqliteConnection connection)
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        var applied = 0;
        foreach (var (version, name) in Embedded())
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            if (Scalar(connection, transaction, $"SELECT COUNT(*) FROM schema_migrations WHERE version = {version}") > 0)
            {
                continue;
            }

            Execute(connection, transaction, Read(name));
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            applied++;
        }

        return applied;
    }

    private static string Read(string name)
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream($"Migrations/{name}.sql")
            ?? throw new InvalidOperationException($"migration {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)(command.ExecuteScalar() ?? 0L);
    }
}
