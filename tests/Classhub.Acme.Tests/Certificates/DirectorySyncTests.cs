using Classhub.Acme.Certificates;

namespace Classhub.Acme.Tests.Certificates;

public sealed class DirectorySyncTests
{
    [Fact]
    public void Flush_ExistingDirectory_True()
    {
        var directory = Directory.CreateTempSubdirectory("classhub-dirsync-");
        try
        {
            Assert.True(DirectorySync.Flush(directory.FullName));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public void Flush_MissingDirectory_False()
    {
        Assert.False(DirectorySync.Flush("/nonexistent/classhub-dirsync"));
    }
}
