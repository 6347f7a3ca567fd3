using System.IO.Compression;

namespace Classhub.Hub.Assignments.Tests;

public sealed class SubmissionArchiveTests
{
    /// <summary>A stored name with backslashes (kept from before names were checked at submit time) is not a zip-slip.</summary>
    [Fact]
    public async Task Write_StoredBackslashName_LeftOutAndListedNeverRewritten()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"), ("data/input.csv", "1,2"));
        var submitted = await room.Taker().SubmitAsync("cs101", "hw1", student.Name, CancellationToken.None);
        File.WriteAllText(Path.Combine(submitted.Value!.Folder, @"..\..\..\AppData\evil.bat"), "@echo pwned");
        using var zipped = new MemoryStream();

        var skipped = SubmissionArchive.Write(zipped, room.Assignments.LatestSubmissions("cs101", "hw1"));

        zipped.Position = 0;
        using var zip = new ZipArchive(zipped);
        Assert.Equal(
            new[] { $"{student.Name}/analysis.ipynb", $"{student.Name}/data/input.csv", SubmissionArchive.SkippedEntry }.Order(StringComparer.Ordinal),
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Single(skipped);
        using var reader = new StreamReader(zip.GetEntry(SubmissionArchive.SkippedEntry)!.Open());
        Assert.Contains(@"AppData\evil.bat: it contains a backslash", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }
}
