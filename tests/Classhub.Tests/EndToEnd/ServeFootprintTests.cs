using System.Globalization;

namespace Classhub.EndToEnd.Tests;

/// <summary>What <c>classhub serve</c> holds from the machine besides its own state.</summary>
public sealed class ServeFootprintTests
{
    [Fact]
    public async Task ServeStartedFromTheRootDirectory_WatchesNoDirectoriesOfTheMachine()
    {
        // Started from / like the systemd unit. ASP.NET Core's default appsettings.json reloading used to watch the
        // content root (the working directory) recursively: ~88,000 inotify watches and seconds of CPU on this machine.
        await using var hub = HubProcess.Create();
        await hub.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));

        var pid = hub.Pid!.Value;
        var watches = Directory.EnumerateFiles($"/proc/{pid}/fdinfo")
            .Sum(fd => SafeLines(fd).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)));
        Assert.True(watches <= 4, $"classhub serve holds {watches} inotify watches");
        Assert.Equal("/", ReadLink($"/proc/{pid}/cwd"));
    }

    private static string[] SafeLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return []; // the descriptor was closed between listing and reading
        }
    }

    private static string ReadLink(string path) =>
        new FileInfo(path).LinkTarget ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{path} is not a link"));
}
