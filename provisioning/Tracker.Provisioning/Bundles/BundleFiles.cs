namespace Tracker.Provisioning.Bundles;

/// <summary>
/// The files of a car's bundle folder (<c>bundles/{car}/</c>). The first four go onto the tracker's
/// <c>I:</c> drive under the same names, which are what <c>tracker.conf</c> names in
/// <c>tls.caFile</c>, <c>tls.certFile</c> and <c>tls.keyFile</c> (nanoff.json, fileDeployment.files;
/// at most 20 characters, the SIM7080G's AT+SMSSL limit). The rest are for people, the modem's DER
/// tooling and the checks.
/// </summary>
public static class BundleFiles
{
    /// <summary>The tracker config (Tracker.Core Config/README.md format), deployed to <c>I:\tracker.conf</c>.</summary>
    public const string Config = "tracker.conf";

    /// <summary>The broker endpoint's root CA (AWS IoT: Amazon Root CA 1), PEM, deployed to <c>I:\ca.pem</c>.</summary>
    public const string RootCaPem = "ca.pem";

    /// <summary>The car's certificate followed by the fleet CA certificate, PEM, deployed to <c>I:\device.crt</c>. JITP needs the CA sent with the car's certificate on the first connection.</summary>
    public const string CertificatePem = "device.crt";

    /// <summary>The car's private key, unencrypted PKCS#8 PEM, deployed to <c>I:\device.key</c> (the modem's CONVERT takes no passphrase).</summary>
    public const string KeyPem = "device.key";

    /// <summary>The car's certificate alone, DER.</summary>
    public const string CertificateDer = "device.der";

    /// <summary>The car's private key, unencrypted PKCS#8 DER.</summary>
    public const string KeyDer = "device.key.der";

    /// <summary>The fleet CA certificate (the chain above the car's certificate), PEM.</summary>
    public const string FleetCaPem = "fleet-ca.pem";

    /// <summary>The fleet CA certificate, DER.</summary>
    public const string FleetCaDer = "fleet-ca.der";

    /// <summary>The endpoint's root CA, DER.</summary>
    public const string RootCaDer = "ca.der";

    /// <summary>nanoff's file deployment (<c>nanoff deploy file</c> / <c>--filedeployment</c>).</summary>
    public const string Deployment = "deploy.json";

    /// <summary>What was issued: car, serial, fingerprint, dates, installer, endpoint (JSON).</summary>
    public const string Identity = "identity.json";

    /// <summary>The folder where rotation keeps the car's earlier bundles, one <c>yyyyMMddTHHmmssZ</c> folder each.</summary>
    public const string History = "history";

    /// <summary>The drive the device reads its files from.</summary>
    public const string DeviceDrive = "I:\\";

    /// <summary>The fleet's code-signing public key (the RSA modulus), when the fleet has one (<c>codesign create</c>).</summary>
    public const string CodeSigningKey = "codesign.pub";

    /// <summary>The bundle files that go onto the device, in deployment order; each lands at <see cref="DeviceDrive"/> + its name.</summary>
    public static IReadOnlyList<string> Deployed { get; } = [Config, RootCaPem, CertificatePem, KeyPem];

    /// <summary>
    /// The bundle files that go onto the device after <see cref="Deployed"/> when the bundle holds them: the fleet's
    /// code-signing key, without which the car runs and takes no update (issue 18).
    /// </summary>
    public static IReadOnlyList<string> DeployedWhenPresent { get; } = [CodeSigningKey];

    /// <summary>Every file a bundle holds (besides <see cref="History"/>).</summary>
    public static IReadOnlyList<string> All { get; } =
        [Config, RootCaPem, CertificatePem, KeyPem, CertificateDer, KeyDer, FleetCaPem, FleetCaDer, RootCaDer, Deployment, Identity];
}
