namespace Tracker.Testing;

/// <summary>
/// A part of the machine that some tests need and a fresh clone may lack. Each is found the same way by every test
/// project (<see cref="PartCatalog"/>), and each has one reason text, so the skip summary groups by part.
/// </summary>
public enum Part
{
    /// <summary>node on PATH (node 20): the npm servers, DuckDB and the CDK library (jsii) run in it.</summary>
    Node,

    /// <summary>dynalite, the DynamoDB API server: <c>npm ci</c> in cloud/dynalite.</summary>
    Dynalite,

    /// <summary>s3rver, the S3 API server: <c>npm ci</c> in cloud/s3rver.</summary>
    S3rver,

    /// <summary>DuckDB for node, which runs the Athena queries: <c>npm ci</c> in cloud/analytics.</summary>
    DuckDb,

    /// <summary>The npm aws-cdk CLI: <c>npm ci</c> in cloud/Tracker.Cloud.Infra.</summary>
    AwsCdkCli,

    /// <summary>mosquitto, the real MQTT broker (Debian package; or TRACKER_MOSQUITTO=path).</summary>
    Mosquitto,

    /// <summary>socat, whose pseudo-terminal pair stands in for a board's UART (Debian package).</summary>
    Socat,

    /// <summary>Debian's Chromium at /usr/bin/chromium, which Playwright drives (Playwright's own download is not used).</summary>
    Chromium,

    /// <summary>The OpenID Connect provider standing in for Cognito's hosted UI: <c>npm ci</c> in tests/Tracker.Web.Tests/oidc-provider.</summary>
    OidcProvider,

    /// <summary>clang on PATH, the linker driver of the Lambda bootstrap's Native AOT publish (Debian package).</summary>
    Clang,

    /// <summary>
    /// The arm64 cross link and emulation of the deployed Lambda package: clang, lld, the arm64 C library and qemu-user
    /// (Debian packages), on an x64 machine.
    /// </summary>
    Arm64Cross,

    /// <summary>aiosmtpd, the SMTP server the e-mail tests deliver to on 127.0.0.1 (Debian package python3-aiosmtpd).</summary>
    Aiosmtpd,
}
