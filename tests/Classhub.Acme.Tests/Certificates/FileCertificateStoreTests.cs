using System.Runtime.Versioning;
using Classhub.Acme.Certificates;

namespace Classhub.Acme.Tests.Certificates;

// The appliance and its store are Linux-only (file modes are part of the contract).
[UnsupportedOSPlatform("windows")]
public sealed class FileCertificateStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "classhub-store-test-" + Guid.NewGuid().ToString("N"), "acme");

    public void Dispose()
    {
        var parent = Path.GetDirectoryName(_directory)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task LoadAsync_NothingSaved_Null()
    {
        var store = new FileCertificateStore(_directory);

        Assert.Null(await store.LoadAccountKeyAsync(CancellationToken.None));
        Assert.Null(await store.LoadCertificateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_Values_FilesMode0600InDirectoryMode0700()
    {
        var store = new FileCertificateStore(_directory);

        await store.SaveAccountKeyAsync("account key", CancellationToken.None);
        await store.SaveCertificateAsync("bundle", CancellationToken.None);

        var expectedFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(expectedFile, File.GetUnixFileMode(Path.Combine(_directory, FileCertificateStore.AccountKeyFileName)));
        Assert.Equal(expectedFile, File.GetUnixFileMode(Path.Combine(_directory, FileCertificateStore.CertificateFileName)));
        Assert.Equal(expectedFile | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }

    [Fact]
    public async Task SaveAsync_Twice_ReplacesValueAndLeavesNoTemporaryFiles()
    {
        var store = new FileCertificateStore(_directory);

        await store.SaveCertificateAsync("first", CancellationToken.None);
        await store.SaveCertificateAsync("second", CancellationToken.None);

        Assert.Equal("second", await new FileCertificateStore(_directory).LoadCertificateAsync(CancellationToken.None));
        Assert.Equal([FileCertificateStore.CertificateFileName], Directory.GetFiles(_directory).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, FileCertificateStore.CertificateFileName)));
    }

    [Fact]
    public async Task SaveAsync_ExistingFileWithLooseMode_ReplacedBy0600File()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, FileCertificateStore.AccountKeyFileName);
        await File.WriteAllTextAsync(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await new FileCertificateStore(_directory).SaveAccountKeyAsync("new", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("new", await File.ReadAllTextAsync(path));
    }
}
