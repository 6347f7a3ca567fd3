using System.IO.Compression;
using System.Security.Cryptography;
using Classhub.Core.Results;

namespace Classhub.Hub.Assignments.Files;

/// <summary>A file of a release: its path inside the assignment folder, size and SHA-256.</summary>
internal sealed record ReleaseFile(string Path, long Size, string Sha256);

/// <summary>A push copied into a staging folder of the data dir (so the release cannot change afterwards), with what was skipped.</summary>
internal sealed record StagedPush(string Folder, IReadOnlyList<ReleaseFile> Files, IReadOnlyList<string> Warnings, long Bytes, string? Readme);

/// <summary>
/// Reads a pushed folder or .zip into a staging folder. Symlinks, devices, pipes and sockets are skipped with a
/// warning (never followed or copied). Entries that would escape the folder (absolute, '..', zip-slip), two entries
/// for one path (a duplicate, or a file that is also a folder), an entry whose data does not match the size and
/// CRC-32 its zip headers record, more than <c>maxBytes</c> in all, or more than <see cref="MaxFiles"/> files refuse the
/// whole push: nothing is staged.
/// </summary>
internal static class PushReader
{
    public const int MaxFiles = 20_000;
    private const long MaxReadmeBytes = 256 * 1024;

    /// <param name="displayName">The folder's name for messages when <paramref name="folder"/> is a temporary copy (an upload); default: its path.</param>
    public static Result<StagedPush> FromFolder(string folder, string staging, long maxBytes, string? displayName = null)
    {
        var shown = displayName ?? folder;
        var builder = new Builder(staging, maxBytes);
        try
        {
            using var root = SafeDirectory.OpenRoot(folder);
            Walk(root, "", builder);
            return builder.Finish();
        }
        catch (PushRefused e)
        {
            builder.Abandon();
            return Failure.Of(e.Reason, $"pushing {shown}: {e.Message}");
        }
        catch (IOException e)
        {
            builder.Abandon();
            return DiskFull.Is(e)
                ? Failure.Of("disk-full", DiskFull.Message($"pushing {shown}", Path.GetDirectoryName(staging)!, "nothing was pushed", "push again"))
                : Failure.Of("push-unreadable", $"pushing {shown}: {e.Message}");
        }
    }

    /// <param name="displayName">The zip's name for messages (the uploaded file's name when the zip is a temporary copy); default: the file name of <paramref name="zipPath"/>.</param>
    public static Result<StagedPush> FromZip(string zipPath, string staging, long maxBytes, string? displayName = null)
    {
        var shown = displayName ?? Path.GetFileName(zipPath);
        var builder = new Builder(staging, maxBytes);
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            var entries = zip.Entries.Where(e => !e.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal)).ToList();
            var bad = entries.Select(e => (e.FullName, Problem: RelativePath.Problem(e.FullName.TrimEnd('/')))).Where(p => p.Problem is not null).ToList();
            if (bad.Count > 0)
            {
                throw new PushRefused("unsafe-entry", "the zip has entries that would be written outside the assignment folder, so nothing was pushed: " +
                    string.Join("; ", bad.Take(10).Select(b => $"'{RelativePath.Printable(b.FullName)}': {b.Problem}")));
            }

            if (entries.Sum(e => e.Length) > maxBytes)
            {
                throw new PushRefused("too-large", $"the zip unpacks to {Megabytes(entries.Sum(e => e.Length))}, over the limit of {Megabytes(maxBytes)} (assignments.max_push_mb); push less, or raise the limit");
            }

            var files = entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var strip = CommonTopFolder(files.Select(e => e.FullName).ToList());
            var written = new List<(ZipArchiveEntry Entry, string Path)>(files.Count);
            foreach (var entry in files)
            {
                var type = (entry.ExternalAttributes >> 16) & 0xF000;
                var path = entry.FullName[strip.Length..];
                if (type is not (0 or 0x8000))
                {
                    builder.Warn($"skipped {RelativePath.Printable(entry.FullName)}: it is a {(type == 0xA000 ? "symbolic link" : "special file")} (never followed or copied)");
                    continue;
                }

                if (!Junk(path))
                {
                    written.Add((entry, path));
                }
            }

            if (Conflicts(written.Select(w => w.Path).ToList()) is { Count: > 0 } conflicts)
            {
                throw new PushRefused("conflicting-entries", "the zip has more than one entry for the same path, so nothing was pushed: " +
                    string.Join("; ", conflicts.Take(10)) + "; make the zip again from the folder");
            }

            foreach (var (entry, path) in written)
            {
                using var stream = entry.Open();
                builder.Add(path, stream, (entry.Length, entry.Crc32));
            }

            return builder.Finish();
        }
        catch (PushRefused e)
        {
            builder.Abandon();
            return Failure.Of(e.Reason, $"pushing {shown}: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            builder.Abandon();
            return Failure.Of("bad-zip", $"pushing {shown}: it is not a readable zip file ({e.Message}); nothing was pushed");
        }
        catch (IOException e)
        {
            builder.Abandon();
            return DiskFull.Is(e)
                ? Failure.Of("disk-full", DiskFull.Message($"pushing {shown}", Path.GetDirectoryName(staging)!, "nothing was pushed", "push again"))
                : Failure.Of("push-unreadable", $"pushing {shown}: {e.Message}; nothing was pushed");
        }
    }

    /// <summary>"'a.txt' is in the zip twice", "'a' is both a file and a folder": paths written more than once.</summary>
    /// <param name="container">Where the paths come from, for the message: "the zip", "the upload".</param>
    internal static List<string> Conflicts(IReadOnlyList<string> paths, string container = "the zip")
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!seen.Add(path))
            {
                problems.Add($"'{RelativePath.Printable(path)}' is in {container} twice");
            }

            for (var cut = path.IndexOf('/', StringComparison.Ordinal); cut > 0; cut = path.IndexOf('/', cut + 1))
            {
                folders.Add(path[..cut]);
            }
        }

        problems.AddRange(seen.Where(folders.Contains).Order(StringComparer.Ordinal).Select(p => $"'{RelativePath.Printable(p)}' is both a file and a folder"));
        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Megabytes(long bytes) => $"{(bytes + (1 << 20) - 1) >> 20} MB";

    private static void Walk(SafeDirectory dir, string prefix, Builder builder)
    {
        var undecodable = new List<string>();
        var entries = dir.Entries(MaxFiles, undecodable);
        foreach (var name in undecodable)
        {
            builder.Warn($"skipped {prefix}{name}: its name is not valid UTF-8 (rename it)");
        }

        foreach (var (name, stat) in entries)
        {
            var path = prefix + name;
            if (RelativePath.Problem(path) is { } problem)
            {
                throw new PushRefused("unsafe-entry", $"'{RelativePath.Printable(path)}': {problem}; nothing was pushed");
            }

            if (stat.IsDirectory)
            {
                if (Junk(path))
                {
                    continue;
                }

                using var child = dir.OpenChild(name)!;
                Walk(child, path + "/", builder);
            }
            else if (stat.IsRegular)
            {
                using var handle = dir.OpenFile(name);
                if (handle is null)
                {
                    builder.Warn($"skipped {path}: it changed while being read");
                    continue;
                }

                using var stream = new FileStream(handle, FileAccess.Read, 1 << 16);
                builder.Add(path, stream, null);
            }
            else
            {
                builder.Warn($"skipped {path}: it is a {stat.TypeName} (never followed or copied)");
            }
        }
    }

    private static bool Junk(string path) =>
        path.Split('/').Any(s => s is ".ipynb_checkpoints" or ".DS_Store" or ".git" or "__pycache__");

    /// <summary>"hw1/" when every file is under one top folder (a zipped folder), else "".</summary>
    private static string CommonTopFolder(IReadOnlyList<string> names)
    {
        if (names.Count == 0 || names.Any(n => !n.Contains('/', StringComparison.Ordinal)))
        {
            return "";
        }

        var top = names[0][..(names[0].IndexOf('/', StringComparison.Ordinal) + 1)];
        return names.All(n => n.StartsWith(top, StringComparison.Ordinal)) ? top : "";
    }

    private sealed class PushRefused(string reason, string message) : Exception(message)
    {
        public string Reason { get; } = reason;
    }

    private sealed class Builder(string staging, long maxBytes)
    {
        private readonly List<ReleaseFile> _files = [];
        private readonly List<string> _warnings = [];
        private readonly string _root = Path.Combine(staging, "files");
        private long _bytes;
        private string? _readme;

        public void Warn(string warning) => _warnings.Add(warning);

        /// <param name="expected">For a zip entry: the size and CRC-32 its headers record, which the data read must match.</param>
        public void Add(string path, Stream source, (long Size, uint Crc32)? expected)
        {
            if (_files.Count >= MaxFiles)
            {
                throw new PushRefused("too-many-files", $"more than {MaxFiles} files; push fewer files (zip data sets, or use a data set)");
            }

            var target = Path.GetFullPath(Path.Combine(_root, path));
            if (!target.StartsWith(_root + "/", StringComparison.Ordinal))
            {
                throw new PushRefused("unsafe-entry", $"'{path}' would be written outside the assignment folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var crc = new System.IO.Hashing.Crc32();
            long size = 0;
            using (var output = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = source.Read(buffer)) > 0)
                {
                    size += n;
                    if (_bytes + size > maxBytes)
                    {
                        throw new PushRefused("too-large", $"the push is over the limit of {Megabytes(maxBytes)} (assignments.max_push_mb); push less, or raise the limit");
                    }

                    hash.AppendData(buffer, 0, n);
                    crc.Append(buffer.AsSpan(0, n));
                    output.Write(buffer, 0, n);
                }
            }

            // The zip reader stops at the size the headers state: a header that under-states it would publish the
            // file cut short, so the data read must match both the size and the CRC-32 recorded for it.
            if (expected is { } e && (size != e.Size || crc.GetCurrentHashAsUInt32() != e.Crc32))
            {
                throw new PushRefused("bad-zip", $"'{RelativePath.Printable(path)}' in the zip is damaged: its data does not match the size and checksum recorded for it, so nothing was pushed; make the zip again");
            }

            _bytes += size;
            _files.Add(new ReleaseFile(path, size, Convert.ToHexStringLower(hash.GetHashAndReset())));
            if (string.Equals(path, "README.md", StringComparison.OrdinalIgnoreCase) && size <= MaxReadmeBytes)
            {
                _readme = File.ReadAllText(target);
            }
        }

        public Result<StagedPush> Finish()
        {
            if (_files.Count == 0)
            {
                throw new PushRefused("empty", "there are no files to push" + (_warnings.Count > 0 ? $" ({_warnings.Count} skipped: {string.Join("; ", _warnings)})" : ""));
            }

            return Result<StagedPush>.Success(new StagedPush(staging, _files, _warnings, _bytes, _readme));
        }

        public void Abandon()
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
