using System.Diagnostics;
using Classhub.EndToEnd.Tests;

namespace Classhub.Slurm.Tests;

/// <summary>
/// A real single-node Slurm cluster on this machine, started by hand (no systemd; ../shared/TEST-INFRA.md (d)):
/// munged, slurmctld and slurmd from Debian, /etc/slurm/slurm.conf with this host as the only node
/// (proctrack/linuxproc, task/none: nothing needs cgroups). State and logs live in a temporary folder; the daemons
/// are stopped by pid and the previous slurm.conf is restored on dispose. build.sh installs the packages.
/// </summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    private const string ConfPath = "/etc/slurm/slurm.conf";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "classhub-slurm-" + Guid.NewGuid().ToString("N")[..8]);
    private string? _savedConf;
    private bool _startedMunge;

    public string NodeName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var program in (string[])["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"])
        {
            Assert.True(File.Exists(program), $"{program} is missing: ./build.sh test installs slurmctld slurmd slurm-client munge");
        }

        NodeName = await UnixUsers.RunAsync("hostname", "-s");
        var node = (await UnixUsers.RunAsync("/usr/sbin/slurmd", "-C")).Split('\n')[0].Trim();
        Assert.StartsWith($"NodeName={NodeName} ", node, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_dir, "ctld"));
        Directory.CreateDirectory(Path.Combine(_dir, "spool"));
        Directory.CreateDirectory(Path.Combine(_dir, "log"));
        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("755", 8));
        await UnixUsers.RunAsync("chown", "-R", "slurm:slurm", Path.Combine(_dir, "ctld"), Path.Combine(_dir, "log"));

        await StartMungeAsync();
        if (File.Exists(ConfPath))
        {
            _savedConf = await File.ReadAllTextAsync(ConfPath);
        }

        Directory.CreateDirectory("/etc/slurm");
        await File.WriteAllTextAsync(ConfPath, $"""
            # written by classhub's tests (SlurmCluster); the previous file is restored afterwards
            ClusterName=classhub-test
            SlurmctldHost={NodeName}
            SlurmUser=slurm
            AuthType=auth/munge
            CredType=cred/munge
            StateSaveLocation={_dir}/ctld
            SlurmdSpoolDir={_dir}/spool
            SlurmctldPidFile={_dir}/ctld/slurmctld.pid
            SlurmdPidFile={_dir}/slurmd.pid
            SlurmctldLogFile={_dir}/log/slurmctld.log
            SlurmdLogFile={_dir}/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ReturnToService=2
            MpiDefault=none
            {node} State=UNKNOWN
            PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """);
        await StartDaemonAsync("/usr/sbin/slurmctld");
        await StartDaemonAsync("/usr/sbin/slurmd");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var state = "";
        while (DateTime.UtcNow < deadline)
        {
            state = await UnixUsers.RunAsync("sinfo", "-h", "-o", "%t");
            if (state == "idle")
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the test Slurm node did not become idle (sinfo: '{state}'):\n{Logs()}");
    }

    public async Task DisposeAsync()
    {
        foreach (var pidFile in (string[])[Path.Combine(_dir, "slurmd.pid"), Path.Combine(_dir, "ctld", "slurmctld.pid")])
        {
            await KillAsync(pidFile);
        }

        if (_startedMunge)
        {
            await KillAsync("/run/munge/munged.pid");
        }

        if (_savedConf is not null)
        {
            await File.WriteAllTextAsync(ConfPath, _savedConf);
        }
        else
        {
            File.Delete(ConfPath);
        }

        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The daemons' logs, for failure messages.</summary>
    public string Logs()
    {
        var text = "";
        foreach (var file in Directory.Exists(Path.Combine(_dir, "log")) ? Directory.GetFiles(Path.Combine(_dir, "log")) : [])
        {
            text += $"--- {file}\n" + string.Join('\n', File.ReadLines(file).TakeLast(20)) + "\n";
        }

        return text;
    }

    /// <summary>squeue's "%i %u %T %j" lines for the job named <c>classhub-USER</c>.</summary>
    public static Task<string> QueueOfAsync(string user) =>
        UnixUsers.RunAsync("squeue", "-h", "-n", $"classhub-{user}", "-o", "%i %u %T %j");

    private async Task StartMungeAsync()
    {
        if (File.Exists("/run/munge/munged.pid") && Directory.Exists($"/proc/{(await File.ReadAllTextAsync("/run/munge/munged.pid")).Trim()}"))
        {
            return;
        }

        Directory.CreateDirectory("/run/munge");
        await UnixUsers.RunAsync("chown", "munge:munge", "/run/munge");
        await StartDaemonAsync("runuser -u munge -- /usr/sbin/munged");
        _startedMunge = true;
    }

    private static async Task KillAsync(string pidFile)
    {
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            await UnixUsers.RunAsync("kill", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Starts a self-daemonizing program; its start-up output goes to a file so no pipe stays open behind it.</summary>
    private async Task StartDaemonAsync(string command)
    {
        var output = Path.Combine(_dir, "start.out");
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{command} >>{output} 2>&1");
        using var p = Process.Start(start)!;
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{command} failed ({p.ExitCode}): {(File.Exists(output) ? await File.ReadAllTextAsync(output) : "")}");
    }
}
