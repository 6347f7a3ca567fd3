using System.Globalization;
using System.Text;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Tests.Support;

/// <summary>Reads what the kernel says about a process, and waits for things to become true.</summary>
internal static class Proc
{
    public static string Status(int pid, string field)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line[(field.Length + 1)..].Trim();
    }

    public static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    public static Dictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    public static string Link(int pid, int fd) => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget ?? "";

    public static async Task<uint> OwnerAsync(string path)
    {
        var result = await new ProcessRunner().RunAsync("/usr/bin/stat", ["-c", "%u", path], CancellationToken.None);
        Assert.True(result.Succeeded, result.StandardError);
        return uint.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }

    public static bool IsGoneOrZombie(int pid) => ProcStat.Read(pid) is not { } s || s.IsZombie;

    public static async Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    public static async Task<string> GetAsync(Uri url, double seconds = 20)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
