using System.Text;

namespace Classhub.Acme.Certificates;

/// <summary>
/// <see cref="ICertificateStore"/> in a directory (mode 0700): <c>account.key.pem</c> and
/// <c>certificate.pem</c>, each mode 0600, replaced by write-temp, fsync, rename, fsync of the directory.
/// </summary>
internal sealed class FileCertificateStore : ICertificateStore
{
    public const string AccountKeyFileName = "account.key.pem";
    public const string CertificateFileName = "certificate.pem";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _directory;

    public FileCertificateStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
    }

    public string Directory => _directory;

    public Task<string?> LoadAccountKeyAsync(CancellationToken cancellationToken) => ReadAsync(AccountKeyFileName, cancellationToken);

    public Task SaveAccountKeyAsync(string privateKeyPem, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(AccountKeyFileName, privateKeyPem, cancellationToken);

    public Task<string?> LoadCertificateAsync(CancellationToken cancellationToken) => ReadAsync(CertificateFileName, cancellationToken);

    public Task SaveCertificateAsync(string pemBundle, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(CertificateFileName, pemBundle, cancellationToken);

    private async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(Path.Combine(_directory, name), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task WriteAtomicallyAsync(string name, string content, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("FileCertificateStore relies on Unix file modes.");
        }
        System.IO.Directory.CreateDirectory(_directory, OwnerOnlyDirectory);
        var target = Path.Combine(_directory, name);
        var temporary = Path.Combine(_directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
            _ = DirectorySync.Flush(_directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
