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
        Assert.Contains("assignments.max_push_mb", result.Failure!.UserMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.txt", "a.txt", "'a.txt' is in the zip twice")]
    [InlineData("a", "a/b.txt", "'a' is both a file and a folder")]
    [InlineData("hw1/a", "hw1/a/b.txt", "'a' is both a file and a folder")]
    public void FromZip_ConflictingEntries_RefusedClearlyWithNothingStaged(string first, string second, string message)
    {
        var zip = MakeZip((first, "one"), (second, "two"));
        var staging = Path.Combine(_dir, "staging");

        var result = PushReader.FromZip(zip, staging, 1 << 20);

        Assert.False(result.Ok);
        Assert.Equal("conflicting-entries", result.Failure!.Reason);
        Assert.Contains(message, result.Failure.UserMessage, StringComparison.Ordinal);
        Assert.Contains("nothing was pushed", result.Failure.UserMessage, StringComparison.Ordinal);
        Assert.False(Directory.Exists(staging));
    }

    /// <summary>A zip whose headers say an entry is smaller than it is: reading stops at the stated size.</summary>
    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.NoCompression)]
    public void FromZip_HeaderUnderstatesASize_RefusedNotTruncated(CompressionLevel level)
    {
        var path = Path.Combine(_dir, "understated.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("data.csv", level).Open());
            writer.Write(string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},{i * i}\n")));
        }

        var bytes = File.ReadAllBytes(path);
        PatchSizes(bytes, 10);
        File.WriteAllBytes(path, bytes);
        var staging = Path.Combine(_dir, "staging");

        var result = PushReader.FromZip(path, staging, 1 << 20);

        Assert.False(result.Ok, $"published {result.Value?.Files.Single().Size} bytes of a longer file: truncated");
        Assert.Equal("bad-zip", result.Failure!.Reason);
        Assert.Contains("data.csv", result.Failure.UserMessage, StringComparison.Ordinal);
        Assert.False(Directory.Exists(staging));
    }


    [Fact]
    public void FromZip_DisplayName_NamesTheUploadedFileNotTheTemporaryOne()
    {
        var zip = MakeZip(("../evil.txt", "evil"));

        var result = PushReader.FromZip(zip, Path.Combine(_dir, "staging"), 1 << 20, "lab1.zip");

        Assert.StartsWith("pushing lab1.zip: ", result.Failure!.UserMessage, StringComparison.Ordinal);
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

    /// <summary>Sets the uncompressed size in every local and central header (CRC and data unchanged).</summary>
    private static void PatchSizes(byte[] zip, int size)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            var offset = signature switch
            {
                0x04034b50 => 22,
                0x02014b50 => 24,
                _ => -1,
            };
            if (offset > 0)
            {
                BitConverter.GetBytes(size).CopyTo(zip, i + offset);
            }
        }
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
