using Classhub.Storage.Database;

namespace Classhub.Storage.Tests.Courses;

/// <summary>A real, migrated SQLite file in a fresh temp folder, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Dir = Directory.CreateTempSubdirectory("classhub-storage-").FullName;
        Database = new HubDatabase(Path.Combine(Dir, "classhub.db"));
        Database.Migrate();
    }

    public string Dir { get; }

    public HubDatabase Database { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
    }
}
