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
/// warning (never followed or copied). Entries that would escape the folder (absolute, '..', zip-slip), more than
/// <c>maxBytes</c> in all, or more than <see cref="MaxFiles"/> files refuse the whole push: nothing is staged.
/// </summary>
internal static class PushReader
{
    public const int MaxFiles = 20_000;
    private const long MaxReadmeBytes = 256 * 1024;

    public static Result<StagedPush> FromFolder(string folder, string staging, long maxBytes)
    {
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
            return Failure.Of(e.Reason, $"pushing {folder}: {e.Message}");
        }
        catch (IOException e)
        {
            builder.Abandon();
            return Failure.Of("push-unreadable", $"pushing {folder}: {e.Message}");
        }
    }

    public static Result<StagedPush> FromZip(string zipPath, string staging, long maxBytes)
    {
        var builder = new Builder(staging, maxBytes);
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            var entries = zip.Entries.Where(e => !e.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal)).ToList();
            var bad = entries.Select(e => (e.FullName, Problem: RelativePath.Problem(e.FullName.TrimEnd('/')))).Where(p => p.Problem is not null).ToList();
            if (bad.Count > 0)
            {
                throw new PushRefused("unsafe-entry", "the zip has entries that would be written outside the assignment folder, so nothing was pushed: " +
                    string.Join("; ", bad.Take(10).Select(b => $"'{b.FullName}': {b.Problem}")));
            }

            if (entries.Sum(e => e.Length) > maxBytes)
            {
                throw new PushRefused("too-large", $"the zip unpacks to {entries.Sum(e => e.Length)} bytes, over the limit of {maxBytes} (assignments.max_push_bytes)");
            }

            var files = entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var strip = CommonTopFolder(files.Select(e => e.FullName).ToList());
            foreach (var entry in files)
            {
                var type = (entry.ExternalAttributes >> 16) & 0xF000;
                var path = entry.FullName[strip.Length..];
                if (type is not (0 or 0x8000))
                {
                    builder.Warn($"skipped {entry.FullName}: it is a {(type == 0xA000 ? "symbolic link" : "special file")} (never followed or copied)");
                    continue;
                }

                if (Junk(path))
                {
                    continue;
                }

                using var stream = entry.Open();
                builder.Add(path, stream);
            }

            return builder.Finish();
        }
        catch (PushRefused e)
        {
            builder.Abandon();
            return Failure.Of(e.Reason, $"pushing {Path.GetFileName(zipPath)}: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            builder.Abandon();
            return Failure.Of("bad-zip", $"pushing {Path.GetFileName(zipPath)}: it is not a readable zip file ({e.Message})");
        }
    }

    private static void Walk(SafeDirectory dir, string prefix, Builder builder)
    {
        foreach (var (name, stat) in dir.Entries())
        {
            var path = prefix + name;
            if (RelativePath.Problem(path) is { } problem)
            {
                throw new PushRefused("unsafe-entry", $"'{path}': {problem}");
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
                builder.Add(path, stream);
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

        public void Add(string path, Stream source)
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
                        throw new PushRefused("too-large", $"the push is over the limit of {maxBytes} bytes (assignments.max_push_bytes); push less, or raise the limit");
                    }

                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                }
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
