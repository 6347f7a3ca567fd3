using System.Diagnostics;

namespace Classhub.Hub.Assignments.Files.Tests;

/// <summary>
/// A claim is alive exactly as long as the process holding its lock: a process killed with SIGKILL (no chance to
/// clean up) leaves a claim every other process sees as dead, whose work and staging may be taken over.
/// </summary>
public sealed class ProcessClaimTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("claims-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Acquire_AliveUntilDisposed_ThenDeadAndItsFileGone()
    {
        var claim = ProcessClaim.Acquire(_dir);
        Assert.Matches("^[0-9a-f]{32}$", claim.Token);
        Assert.True(ProcessClaim.IsAlive(_dir, claim.Token));

        claim.Dispose();

        Assert.False(ProcessClaim.IsAlive(_dir, claim.Token));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, "claims")));
    }

    [Fact]
    public async Task IsAlive_HolderKilledWithSigkill_DeadAndRemoved()
    {
        var token = new string('a', 32);
        var file = Path.Combine(_dir, "claims", token + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import fcntl,os,sys,time\nfd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT, 0o600)\nfcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)", file]) { RedirectStandardOutput = true })!;
        Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());
        Assert.True(ProcessClaim.IsAlive(_dir, token));

        holder.Kill();
        await holder.WaitForExitAsync();

        Assert.False(ProcessClaim.IsAlive(_dir, token));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void IsAlive_UnknownOrMalformedToken_DeadWithoutTouchingAnything()
    {
        Assert.False(ProcessClaim.IsAlive(_dir, new string('b', 32)));
        Assert.False(ProcessClaim.IsAlive(_dir, "../../etc/passwd"));
        Assert.True(ProcessClaim.IsAlive(_dir, ProcessClaim.HubToken));
    }

    [Fact]
    public void RemoveDead_KeepsLiveClaims_RemovesUnlockedOnesAndHalfMadeOnes()
    {
        using var live = ProcessClaim.Acquire(_dir);
        var folder = Path.Combine(_dir, "claims");
        File.WriteAllText(Path.Combine(folder, new string('c', 32) + ".lock"), "");
        File.WriteAllText(Path.Combine(folder, $".{new string('d', 32)}.new"), "");

        Assert.Equal(2, ProcessClaim.RemoveDead(_dir));

        Assert.Equal([live.Token + ".lock"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
        Assert.True(ProcessClaim.IsAlive(_dir, live.Token));
    }
}
