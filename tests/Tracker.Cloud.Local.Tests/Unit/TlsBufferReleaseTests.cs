using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Cloud.Local.Broker;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>
/// OpenSSL's record buffers released while a connection is idle (<see cref="TlsBufferRelease"/>): the mode is set on
/// Linux, and a connection with it still carries everything, records large and small, both ways.
/// </summary>
public sealed class TlsBufferReleaseTests
{
    [Fact]
    public async Task ReleasingTheBuffers_IsSetOnLinux_AndTheConnectionStillCarriesEverything()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using TcpClient accepted = await listener.AcceptTcpClientAsync();
        await using var server = new SslStream(accepted.GetStream());
        await using var car = new SslStream(client.GetStream());
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            car.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }));

        bool released = TlsBufferRelease.TryRelease(server);

        Assert.Equal(OperatingSystem.IsLinux() && SafeEvpPKeyHandle.OpenSslVersion >= 0x3000_0000L, released);
        Assert.Equal(released, TlsBufferRelease.Supported);
        foreach (int size in new[] { 4, 1_000, 70_000, 4 })
        {
            byte[] up = RandomNumberGenerator.GetBytes(size);
            byte[] down = RandomNumberGenerator.GetBytes(size);
            Task<byte[]> atServer = ReadExactlyAsync(server, size);
            Task<byte[]> atCar = ReadExactlyAsync(car, size);
            await Task.WhenAll(car.WriteAsync(up).AsTask(), server.WriteAsync(down).AsTask());
            Assert.Equal(up, await atServer);
            Assert.Equal(down, await atCar);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int size)
    {
        byte[] buffer = new byte[size];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return buffer;
    }
}
