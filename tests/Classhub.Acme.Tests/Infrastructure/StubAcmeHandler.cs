using System.Net;
using System.Text;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>Answers HTTP requests from a function: for unit tests of one component, never instead of Pebble end to end.</summary>
internal sealed class StubAcmeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public const string DirectoryUrl = "https://ca.test/dir";

    public List<string> Requests { get; } = [];

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK, string contentType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, contentType) };

    public static string Directory(bool withRenewalInfo) =>
        $$"""{"newNonce":"https://ca.test/nonce","newAccount":"https://ca.test/account","newOrder":"https://ca.test/order"{{(withRenewalInfo ? ",\"renewalInfo\":\"https://ca.test/ari\"" : "")}}}""";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add($"{request.Method} {request.RequestUri}");
        }
        return Task.FromResult(answer(request));
    }
}
