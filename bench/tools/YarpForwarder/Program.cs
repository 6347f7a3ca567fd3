// yarp-forwarder LISTEN_URL UPSTREAM_URL: forwards every request to UPSTREAM_URL with YARP's IHttpForwarder, the way
// classhub's UserServerForwarder does (same SocketsHttpHandler and request settings, HTTP/1.1 to the upstream, socket
// continuations inline), but with no gate, no token check, no routing and no transformer of its own. In bench.py's
// proxy step it is measured interleaved with classhub: what the stack alone reaches on this machine, so that classhub's
// figures can be split into "the stack" and "the hub".
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: yarp-forwarder LISTEN_URL UPSTREAM_URL");
    return 2;
}

// As classhub's EventLoopScheduling: read once by the runtime, before the first socket.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(args[0]);
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddHttpForwarder();
var app = builder.Build();

var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var upstream = args[1];
using var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    MaxConnectionsPerServer = int.MaxValue,
});
var config = new ForwarderRequestConfig
{
    ActivityTimeout = TimeSpan.FromMinutes(10),
    Version = HttpVersion.Version11,
    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
};
app.Run(async context => await forwarder.SendAsync(context, upstream, client, config, HttpTransformer.Default));
app.Run();
return 0;
