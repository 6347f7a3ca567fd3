using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Classhub.Hub.Hosting.Tests;

public sealed class RequestFailuresTests
{
    [Fact]
    public void Classify_BodyOverTheLimit_413()
    {
        var answer = RequestFailures.Classify(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), stopping: false, "/var/lib/classhub");

        Assert.Equal(413, answer.Status);
    }

    [Fact]
    public void Classify_FormThatIsNotOne_400SayingWhatWasWrong()
    {
        var answer = RequestFailures.Classify(new InvalidDataException("Missing content-type boundary."), stopping: false, "/var/lib/classhub");

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("the form could not be read (Missing content-type boundary); send", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_FullDisk_507NamingTheFolder()
    {
        var answer = RequestFailures.Classify(new SqliteException("database or disk is full", 13), stopping: false, "/var/lib/classhub");

        Assert.Equal(507, answer.Status);
        Assert.StartsWith("not saved: the disk holding /var/lib/classhub is full", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_LockedDatabase_503()
    {
        Assert.Equal(503, RequestFailures.Classify(new SqliteException("database is locked", 5), stopping: false, "/var/lib/classhub").Status);
    }

    [Fact]
    public void Classify_CancelledWhileTheHubStops_503Restarting()
    {
        var answer = RequestFailures.Classify(new OperationCanceledException(), stopping: true, "/var/lib/classhub");

        Assert.Equal(503, answer.Status);
        Assert.Contains("the hub is stopping", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ABug_500PointingAtTheLog()
    {
        var answer = RequestFailures.Classify(new NullReferenceException(), stopping: false, "/var/lib/classhub");

        Assert.Equal(500, answer.Status);
        Assert.Contains("hub's log", answer.Message, StringComparison.Ordinal);
    }
}
