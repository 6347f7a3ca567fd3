using System.Diagnostics;

namespace Classhub.EndToEnd.Tests;

/// <summary>Unique user names for tests, and removal of the Unix accounts (and their processes) the hub created.</summary>
public static class UnixUsers
{
    public static string NewName(string prefix = "e2e") =>
        prefix + Guid.NewGuid().ToString("N")[..8];

    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output.Trim();
    }

    public static async Task RemoveAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await RunAsync("pkill", "-KILL", "-u", name);
            await Task.Delay(100);
            await RunAsync("userdel", "-r", "-f", name);
        }
    }
}
