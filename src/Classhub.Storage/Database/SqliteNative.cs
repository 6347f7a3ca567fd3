using System.Runtime.InteropServices;

namespace Classhub.Storage.Database;

/// <summary>
/// Binds SQLitePCLRaw's "e_sqlite3" to a real SQLite. The published binary links SQLite statically
/// (DirectPInvoke, see src/Classhub/Classhub.csproj); under the JIT (tests, `dotnet run`) the same calls are
/// resolved to the system's libsqlite3.so.0.
/// </summary>
internal static class SqliteNative
{
    private static int _initialized;

    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1)
        {
            return;
        }

        // In the AOT binary "e_sqlite3" is bound at link time and this resolver is never asked.
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);

        SQLitePCL.Batteries_V2.Init();
    }

    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path) =>
        name == "e_sqlite3" && NativeLibrary.TryLoad("libsqlite3.so.0", out var handle) ? handle : IntPtr.Zero;
}
