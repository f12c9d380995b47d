using System.Security.Cryptography.X509Certificates;
using Tracker.HostLink;

namespace Tracker.Provisioning.IntegrationTests.Support;

/// <summary>
/// Link options from a bundle's PEM files, as the car uses them: its certificate and key, and the
/// broker's root CA. It does what <see cref="MqttNetLinkOptions.FromPemFiles"/> means to do, which
/// cannot be used as it stands: it reads the CA with <c>X509Certificate2.CreateFromPemFile(path)</c>,
/// which looks for a private key in the same file, and so throws on every CA file (a certificate
/// alone).
/// </summary>
public static class PemIdentity
{
    /// <summary>Options for 127.0.0.1:<paramref name="port"/> with a 5 s operation timeout.</summary>
    /// <param name="port">The broker's TLS port.</param>
    /// <param name="certificatePem">The car's certificate (PEM; the first certificate is the car's, a chain may follow).</param>
    /// <param name="keyPem">The car's private key (PEM).</param>
    /// <param name="caPem">The broker's root CA (PEM).</param>
    public static MqttNetLinkOptions Options(int port, string certificatePem, string keyPem, string caPem) =>
        new("127.0.0.1", port, X509Certificate2.CreateFromPemFile(certificatePem, keyPem), X509CertificateLoader.LoadCertificateFromFile(caPem), operationTimeout: TimeSpan.FromSeconds(5));
}
