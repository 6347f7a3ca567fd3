using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Tests.Infrastructure;

/// <summary>
/// A real Kestrel HTTPS listener wired the way the hub wires it (<c>ServerCertificateSelector = manager.Select</c>),
/// and a client that reports which certificate a fresh handshake was given.
/// </summary>
internal sealed class TlsProbe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _port;

    private TlsProbe(WebApplication app, int port)
    {
        _app = app;
        _port = port;
    }

    public static async Task<TlsProbe> StartAsync(CertificateManager manager)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen =>
            listen.UseHttps(https => https.ServerCertificateSelector = manager.Select)));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        return new TlsProbe(app, port);
    }

    /// <summary>The serial number of the certificate a new TLS connection is served, for SNI <paramref name="hostName"/>.</summary>
    public async Task<string> HandshakeSerialAsync(string hostName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _port);
        // The probe reports what was served (a self-signed stand-in, or a Pebble leaf); it does not judge it.
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate is not null);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = hostName });
        using var served = new X509Certificate2(tls.RemoteCertificate!);
        return served.SerialNumber;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
