using Classhub.Storage.Database;
using Classhub.Storage.Invites;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;

namespace Classhub.Cli;

/// <summary>
/// The database and stores, opened for one CLI command (the hub may be running: SQLite WAL shares the file). A
/// command waits its turn for the write lock behind other commands (<see cref="HubDatabase.CommandBusyTimeout"/>).
/// </summary>
internal sealed class HubState
{
    private HubState(string dataDir)
    {
        DataDir = dataDir;
        DataDirectory.Ensure(dataDir);
        Database = new HubDatabase(Path.Combine(dataDir, "classhub.db"), HubDatabase.CommandBusyTimeout);
        Database.Migrate();
        Users = new UserStore(Database, TimeProvider.System);
        Tokens = new TokenStore(Database, TimeProvider.System);
        Invites = new InviteStore(Database, TimeProvider.System);
    }

    public string DataDir { get; }

    public HubDatabase Database { get; }

    public UserStore Users { get; }

    public TokenStore Tokens { get; }

    public InviteStore Invites { get; }

    public static HubState Open(string dataDir) => new(dataDir);

    /// <summary>The URL printed in links: the one the running (or last) hub recorded, else the dev default.</summary>
    public Uri PublicUrl =>
        File.Exists(PublicUrlFile(DataDir)) && Uri.TryCreate(File.ReadAllText(PublicUrlFile(DataDir)).Trim(), UriKind.Absolute, out var url)
            ? url
            : new Uri("http://127.0.0.1:8000");

    public static string PublicUrlFile(string dataDir) => Path.Combine(dataDir, "public_url");
}
