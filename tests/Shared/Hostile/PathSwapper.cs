using System.Diagnostics;
using System.Globalization;

namespace Classhub.Testing.Hostile;

/// <summary>
/// A student's process racing root on one path, <c>DIRECTORY/NAME</c>, with <c>renameat2(RENAME_EXCHANGE)</c>
/// (atomic: the path is never missing, so root's own "does it exist" checks pass):
/// <list type="bullet">
/// <item><see cref="Mode.OnCreate"/>: waits with inotify until something named NAME is created in DIRECTORY (by root,
/// say) and swaps it at once with a symlink to LINK_TARGET, then keeps swapping the two back and forth.</item>
/// <item><see cref="Mode.Flip"/>: NAME exists (the student made it); swaps it with a symlink to LINK_TARGET and back,
/// as fast as it can, so any check-then-use by path lands on the link some of the time.</item>
/// </list>
/// The student owns DIRECTORY (their home or a folder in it). Each swap is counted; <see cref="StopAsync"/> reports the
/// count, so a test can show the race really ran (swaps &gt; 0) while asserting that root was never redirected.
/// </summary>
public sealed class PathSwapper : IAsyncDisposable
{
    public enum Mode
    {
        OnCreate,
        Flip,
    }

    internal const string Program = """
import ctypes, os, struct, sys, signal
mode, directory, name, target = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
libc = ctypes.CDLL("libc.so.6", use_errno=True)
RENAME_EXCHANGE = 2
AT_FDCWD = -100
path = os.path.join(directory, name)
alt = os.path.join(directory, "." + name + ".swap")
try: os.unlink(alt)
except FileNotFoundError: pass
os.symlink(target, alt)
swaps = 0
def done(*_):
    print("swaps=%d" % swaps, flush=True)
    os._exit(0)
signal.signal(signal.SIGTERM, done)
def exchange():
    global swaps
    if libc.renameat2(AT_FDCWD, path.encode(), AT_FDCWD, alt.encode(), RENAME_EXCHANGE) == 0:
        swaps += 1
        return True
    return False
if mode == "OnCreate":
    fd = libc.inotify_init1(0)
    IN_CREATE, IN_MOVED_TO = 0x100, 0x80
    if libc.inotify_add_watch(fd, directory.encode(), IN_CREATE | IN_MOVED_TO) < 0:
        print("inotify failed errno=%d" % ctypes.get_errno(), flush=True); sys.exit(1)
    print("ready", flush=True)
    while True:
        data = os.read(fd, 65536)
        hit = False
        i = 0
        while i < len(data):
            wd, mask, cookie, length = struct.unpack_from("iIII", data, i)
            n = data[i + 16:i + 16 + length].rstrip(b"\0").decode(errors="replace")
            i += 16 + length
            if n == name: hit = True
        if hit:
            break
    exchange()
    while True:
        exchange()
else:
    print("ready", flush=True)
    while True:
        exchange()
""";

    private readonly Process _process;

    internal PathSwapper(Process process)
    {
        _process = process;
    }

    internal async Task WaitReadyAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line != "ready")
        {
            throw new InvalidOperationException($"the swapper did not start: {line} {await _process.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>Stops the swapper and returns how many swaps it made.</summary>
    public async Task<int> StopAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the swapper died: {await _process.StandardError.ReadToEndAsync()}");
        }

        // SIGTERM (not Kill) so it prints its count; it runs as the student, so signal it as root by pid.
        using (var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var rest = await _process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync();
        var line = rest.Split('\n').FirstOrDefault(l => l.StartsWith("swaps=", StringComparison.Ordinal));
        return line is null ? throw new InvalidOperationException($"the swapper printed no count: {rest}") : int.Parse(line[6..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }
}
