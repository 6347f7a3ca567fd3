using System.IO.Compression;

namespace Classhub.Hub.Assignments.Files.Tests;

public sealed class PushReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("push-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/tmp/evil.txt")]
    [InlineData("sub/../../evil.txt")]
    public void FromZip_EscapingEntry_RefusedWithNothingStaged(string entry)
    {
        var zip = MakeZip(("good.txt", "good"), (entry, "evil"));
        var staging = Path.Combine(_dir, "staging");
        Directory.CreateDirectory(staging);

        var result = PushReader.FromZip(zip, staging, 1 << 20);

        Assert.False(result.Ok);
        Assert.Equal("unsafe-entry", result.Failure!.Reason);
        Assert.Contains(entry, result.Failure.UserMessage, StringComparison.Ordinal);
        Assert.False(Directory.Exists(staging));
    }

    [Fact]
    public void FromZip_ZippedFolder_TopFolderStrippedAndHashed()
    {
        var zip = MakeZip(("hw1/README.md", "# Hi"), ("hw1/data/a.csv", "1,2"));

        var result = PushReader.FromZip(zip, Path.Combine(_dir, "staging"), 1 << 20);

        Assert.True(result.Ok, result.Failure?.UserMessage);
        Assert.Equal(["README.md", "data/a.csv"], result.Value!.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal("# Hi", result.Value.Readme);
        Assert.Equal("1,2", File.ReadAllText(Path.Combine(_dir, "staging", "files", "data", "a.csv")));
    }

    [Fact]
    public void FromZip_OverLimit_RefusedAsTooLarge()
    {
        var zip = MakeZip(("big.bin", new string('x', 5000)));

        var result = PushReader.FromZip(zip, Path.Combine(_dir, "staging"), 1000);

        Assert.Equal("too-large", result.Failure?.Reason);
    }

    [Fact]
    public void FromFolder_SymlinkAndFifo_SkippedWithWarnings()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        File.WriteAllText(Path.Combine(source, "ok.txt"), "ok");
        File.CreateSymbolicLink(Path.Combine(source, "shadow"), "/etc/shadow");
        Directory.CreateSymbolicLink(Path.Combine(source, "etc"), "/etc");

        var result = PushReader.FromFolder(source, Path.Combine(_dir, "staging"), 1 << 20);

        Assert.True(result.Ok, result.Failure?.UserMessage);
        Assert.Equal(["ok.txt"], result.Value!.Files.Select(f => f.Path));
        Assert.Contains(result.Value.Warnings, w => w.StartsWith("skipped shadow: it is a symbolic link", StringComparison.Ordinal));
        Assert.Contains(result.Value.Warnings, w => w.StartsWith("skipped etc: it is a symbolic link", StringComparison.Ordinal));
    }

    private string MakeZip(params (string Name, string Text)[] entries)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".zip");
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, text) in entries)
        {
            using var writer = new StreamWriter(archive.CreateEntry(name).Open());
            writer.Write(text);
        }

        return path;
    }
}
