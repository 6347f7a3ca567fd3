using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// The mark a process puts on work it starts in the data dir (delivery tasks, staging folders), so that another
/// process can tell work in progress from work a killed process left behind. A CLI command's claim is a lock file
/// <c>&lt;data&gt;/claims/&lt;token&gt;.lock</c> it holds locked (flock) for as long as it lives: the kernel drops the
/// lock when the process ends, however it ends, so a claim whose file is missing or unlocked is dead. The hub's claim
/// is <see cref="HubToken"/>: only one hub serves a data dir (it holds <c>serve.lock</c>), and a hub starting up owns
/// whatever a previous hub left.
/// </summary>
internal sealed partial class ProcessClaim : IDisposable
{
    /// <summary>The hub's token.</summary>
    public const string HubToken = "hub";

    private readonly SafeFileHandle? _lock;
    private readonly string? _path;

    private ProcessClaim(string token, SafeFileHandle? held, string? path)
    {
        Token = token;
        _lock = held;
        _path = path;
    }

    public string Token { get; }

    public bool IsHub => Token == HubToken;

    public static ProcessClaim ForHub() => new(HubToken, null, null);

    /// <summary>A new claim for this process (a CLI command), held until it is disposed or the process ends.</summary>
    public static ProcessClaim Acquire(string dataDir)
    {
        var folder = AssignmentOptions.Private(Folder(dataDir));
        for (var attempt = 0; ; attempt++)
        {
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            // Locked under a name no clean-up takes while it is locked, then renamed: a live claim is never seen unlocked.
            var fresh = Path.Combine(folder, $".{token}.new");
            var held = OpenLocked(fresh, Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL, wait: true, out var errno)
                ?? throw new IOException($"creating {fresh}: {Posix.Describe(errno)}");
            var path = LockFile(dataDir, token);
            if (Posix.RenameAt(AtCwd, fresh, AtCwd, path) == 0)
            {
                return new ProcessClaim(token, held, path);
            }

            held.Dispose();
            if (attempt == 2)
            {
                throw new IOException($"creating {path}: {Posix.Describe(Posix.Errno)}");
            }
        }
    }

    /// <summary>
    /// True while the process that made <paramref name="token"/> lives. The hub's own token is always alive (only the
    /// hub asks, and it is that hub). A dead CLI claim's file is removed on the way.
    /// </summary>
    public static bool IsAlive(string dataDir, string token)
    {
        if (token == HubToken)
        {
            return true;
        }

        if (!TokenPattern().IsMatch(token))
        {
            return false;
        }

        return !TryRemoveUnlocked(LockFile(dataDir, token), out var missing) && !missing;
    }

    /// <summary>Removes the files of claims no process holds (a CLI command killed before it could remove its own); how many.</summary>
    public static int RemoveDead(string dataDir)
    {
        var folder = Folder(dataDir);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".lock", StringComparison.Ordinal) && !IsAlive(dataDir, name[..^".lock".Length]))
            {
                removed++;
            }
            else if (name.StartsWith('.') && name.EndsWith(".new", StringComparison.Ordinal) && TryRemoveUnlocked(file, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Releases the claim and removes its file (a process that ends without this leaves an unlocked file: dead).</summary>
    public void Dispose()
    {
        if (_lock is not null && _path is not null)
        {
            File.Delete(_path);
            _lock.Dispose();
        }
    }

    private const int AtCwd = -100;

    /// <summary>Opens <paramref name="path"/> and takes its lock (waiting, or not); null when it cannot be opened or someone holds it.</summary>
    private static SafeFileHandle? OpenLocked(string path, int flags, bool wait, out int errno)
    {
        var fd = Posix.Open(path, flags | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0x180);
        if (fd < 0)
        {
            errno = Posix.Errno;
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Posix.Flock(fd, Posix.LOCK_EX | (wait ? 0 : Posix.LOCK_NB)) != 0)
        {
            errno = Posix.Errno;
            handle.Dispose();
            return null;
        }

        errno = 0;
        return handle;
    }

    /// <summary>Removes the claim file when no process holds it; <paramref name="missing"/> when there was none.</summary>
    private static bool TryRemoveUnlocked(string file, out bool missing)
    {
        using var probe = OpenLocked(file, Posix.O_RDONLY, wait: false, out var errno);
        missing = errno == Posix.ENOENT;
        if (probe is null)
        {
            return false;
        }

        File.Delete(file);
        return true;
    }

    private static string Folder(string dataDir) => Path.Combine(dataDir, "claims");

    private static string LockFile(string dataDir, string token) => Path.Combine(Folder(dataDir), token + ".lock");

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
