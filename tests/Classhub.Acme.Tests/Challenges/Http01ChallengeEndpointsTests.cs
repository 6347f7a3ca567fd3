using System.Net;
using Classhub.Acme.Tests.Infrastructure;

namespace Classhub.Acme.Tests.Challenges;

public sealed class Http01ChallengeEndpointsTests : IAsyncLifetime
{
    private ChallengeServer? _server;

    private ChallengeServer Server => _server!;

    public async Task InitializeAsync() => _server = await ChallengeServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task MapAcmeHttp01Challenges_KnownToken_KeyAuthorizationAsPlainText()
    {
        Server.Store.Add("tok_en-1", "tok_en-1.thumb");
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{Server.Port}/.well-known/acme-challenge/tok_en-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tok_en-1.thumb", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MapAcmeHttp01Challenges_UnknownOrRemovedToken_NotFound()
    {
        Server.Store.Add("gone", "gone.thumb");
        Server.Store.Remove("gone");
        using var client = new HttpClient();

        using var removed = await client.GetAsync(new Uri($"http://127.0.0.1:{Server.Port}/.well-known/acme-challenge/gone"));
        using var unknown = await client.GetAsync(new Uri($"http://127.0.0.1:{Server.Port}/.well-known/acme-challenge/never"));

        Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
