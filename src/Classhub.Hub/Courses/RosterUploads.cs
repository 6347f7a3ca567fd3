using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Classhub.Hub.Hosting;

namespace Classhub.Hub.Courses;

/// <summary>A roster file between its preview and its confirmation.</summary>
/// <param name="Id">The random name the confirm form carries.</param>
/// <param name="Path">Where it waits.</param>
internal sealed record RosterUpload(string Id, string Path);

/// <summary>
/// Roster files between preview and confirm: <c>&lt;data dir&gt;/uploads/roster-{course}-{random}.csv</c>, readable by
/// the hub only. An upload nobody confirms (Cancel, a closed tab) expires after <see cref="Lifetime"/>: confirming it
/// then says it expired, and the next preview of any course deletes it. A copy cut short leaves no file.
/// </summary>
internal sealed partial class RosterUploads(HubOptions options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    [GeneratedRegex("^[a-f0-9]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex UploadId();

    private string Directory => System.IO.Path.Combine(options.DataDir, "uploads");

    public async Task<RosterUpload> SaveAsync(string courseId, Stream content, CancellationToken cancellationToken)
    {
        RemoveExpired();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = PathOf(courseId, id);
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            await using (var target = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                await content.CopyToAsync(target, cancellationToken);
            }

            File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception)
        {
            File.Delete(path);
            throw;
        }

        return new RosterUpload(id, path);
    }

    /// <summary>The upload still waiting for its confirmation; null when the id is not one of ours, or it was confirmed, discarded or expired.</summary>
    public RosterUpload? Find(string courseId, string uploadId)
    {
        if (!UploadId().IsMatch(uploadId))
        {
            return null;
        }

        var path = PathOf(courseId, uploadId);
        if (!File.Exists(path))
        {
            return null;
        }

        if (Expired(path))
        {
            File.Delete(path);
            return null;
        }

        return new RosterUpload(uploadId, path);
    }

    public static void Discard(RosterUpload upload) => File.Delete(upload.Path);

    private string PathOf(string courseId, string uploadId) => System.IO.Path.Combine(Directory, $"roster-{courseId}-{uploadId}.csv");

    private bool Expired(string path) => time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(path) > Lifetime;

    private void RemoveExpired()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "roster-*.csv"))
        {
            try
            {
                if (Expired(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Confirmed or removed by a concurrent request meanwhile: nothing left to do.
            }
        }
    }
}
