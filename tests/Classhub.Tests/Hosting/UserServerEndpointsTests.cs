using Classhub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Tests.Hosting;

/// <summary>Which paths are a user's server (proxied), which only name one (redirected), and which are the hub's own.</summary>
public sealed class UserServerEndpointsTests
{
    [Theory]
    [InlineData("/user/alice/", "alice", true)]
    [InlineData("/user/alice/lab/tree/a b.ipynb", "alice", true)]
    [InlineData("/user/alice/api/kernels/1/channels", "alice", true)]
    [InlineData("/USER/alice/lab", "alice", true)]
    [InlineData("/user/alice", "alice", false)]
    [InlineData("/user/", null, false)]
    [InlineData("/user", null, false)]
    [InlineData("/user//lab", null, false)]
    [InlineData("/users/alice/", null, false)]
    [InlineData("/hub/user/alice/", null, false)]
    [InlineData("/", null, false)]
    public void Parse_NamesTheOwner_AndWhetherAServerPathFollows(string path, string? owner, bool withinServer) =>
        Assert.Equal((owner, withinServer), UserServerEndpoints.Parse(new PathString(path)));
}
