namespace Tracker.Provisioning.Pki;

/// <summary>The files of a fleet CA folder. The folder is the fleet's secret: keep it off the cars' laptops' desktops and backed up.</summary>
public static class CaFiles
{
    /// <summary>The CA certificate (PEM): the trust anchor the local broker's <c>cafile</c> and IoT Core's CA registration use.</summary>
    public const string Certificate = "fleet-ca.pem";

    /// <summary>The CA's private key, encrypted PKCS#8 PEM (PBKDF2-HMAC-SHA256, AES-256-CBC).</summary>
    public const string Key = "fleet-ca.key.pem";

    /// <summary>The inventory of issued identities (JSON).</summary>
    public const string Ledger = "ledger.json";

    /// <summary>The certificate revocation list (PEM), for mosquitto's <c>crlfile</c>.</summary>
    public const string Crl = "fleet-ca.crl.pem";

    /// <summary>The AWS IoT Just-in-Time Provisioning template (JSON), for the cloud stack.</summary>
    public const string JitpTemplate = "jitp-template.json";

    /// <summary>The AWS IoT policy document the template attaches (JSON), for the cloud stack.</summary>
    public const string IotPolicy = "iot-policy.json";

    /// <summary>The verification certificate for registering the CA with IoT Core (PEM).</summary>
    public const string VerificationCertificate = "verification-cert.pem";

    /// <summary>The path of one of these files in a CA folder.</summary>
    /// <param name="caDirectory">The CA folder.</param>
    /// <param name="name">The file's name (a constant of this class).</param>
    /// <returns>The path.</returns>
    public static string PathOf(string caDirectory, string name) => Path.Combine(caDirectory, name);
}
