using Classhub.EndToEnd.Tests;

namespace Classhub.Configuration.Tests;

/// <summary><c>classhub config …</c> as an instructor runs it over SSH, against the AOT binary.</summary>
public sealed class ConfigCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-config-").FullName;

    private string ConfigPath => Path.Combine(_dir, "classhub.json");

    [Fact]
    public async Task SetDomain_OnDocumentedFile_KeepsCommentsAndGetReadsIt()
    {
        var hub = HubProcess.Create(_dir);
        var initial = await hub.CliAsync("config", "default");
        await File.WriteAllTextAsync(ConfigPath, initial.Stdout);

        var set = await hub.CliAsync("config", "set", "domain", "hub.example.edu", "--config", ConfigPath);

        Assert.True(set.ExitCode == 0, set.Stderr);
        var text = await File.ReadAllTextAsync(ConfigPath);
        Assert.Equal(initial.Stdout.Replace("\"domain\": \"\"", "\"domain\": \"hub.example.edu\"", StringComparison.Ordinal), text);
        Assert.Equal("hub.example.edu", (await hub.CliAsync("config", "get", "domain", "--config", ConfigPath)).LastLine);
        Assert.Equal(0, (await hub.CliAsync("config", "check", "--config", ConfigPath)).ExitCode);
    }

    [Fact]
    public async Task Set_NewFile_CreatedWithMode0600()
    {
        var hub = HubProcess.Create(_dir);

        var set = await hub.CliAsync("config", "set", "tls.email", "admin@example.edu", "--config", ConfigPath);

        Assert.Equal(0, set.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath));
        Assert.Equal("admin@example.edu", (await hub.CliAsync("config", "get", "tls.email", "--config", ConfigPath)).LastLine);
    }

    [Fact]
    public async Task Set_InvalidValue_FailsAndLeavesFileUnchanged()
    {
        var hub = HubProcess.Create(_dir);
        await File.WriteAllTextAsync(ConfigPath, "{ \"idle_timeout\": 60 }");

        var set = await hub.CliAsync("config", "set", "idle_timeout", "soon", "--config", ConfigPath);

        Assert.Equal(1, set.ExitCode);
        Assert.Contains("idle_timeout must be a whole number", set.Stderr, StringComparison.Ordinal);
        Assert.Equal("{ \"idle_timeout\": 60 }", await File.ReadAllTextAsync(ConfigPath));
    }

    [Fact]
    public async Task Check_KeyGivenTwice_NamesTheKeyAndBothLines_AndServeRefusesToStart()
    {
        var hub = HubProcess.Create(_dir);
        await File.WriteAllTextAsync(ConfigPath, "{\n  \"idle_timeout\": 600,\n  \"tls\": { \"mode\": \"off\" },\n  \"idle_timeout\": 60\n}\n");

        var check = await hub.CliAsync("config", "check", "--config", ConfigPath);
        var serve = await hub.CliAsync("serve", "--config", ConfigPath);

        Assert.Equal(1, check.ExitCode);
        Assert.Equal($"classhub config: {ConfigPath}, line 4, key 'idle_timeout': is set twice (first on line 2), and only one of the two values can count. Fix: keep one of them", check.Stderr.Trim());
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains($"{ConfigPath}, line 4, key 'idle_timeout': is set twice", serve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BrokenFile_ListsEveryProblemAndServeRefusesToStart()
    {
        var hub = HubProcess.Create(_dir);
        await File.WriteAllTextAsync(ConfigPath, "{ \"domian\": \"x\", \"tls\": { \"mode\": \"sometimes\" } }");

        var check = await hub.CliAsync("config", "check", "--config", ConfigPath);
        var serve = await hub.CliAsync("serve", "--config", ConfigPath);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("did you mean 'domain'?", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("'tls.mode'", check.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("did you mean 'domain'?", serve.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
