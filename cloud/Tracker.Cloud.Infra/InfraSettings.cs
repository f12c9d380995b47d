using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Tracker.Cloud.Infra;

/// <summary>
/// The stack's configuration, read once from the CDK context (<c>-c key=value</c> on the command line,
/// or <c>cdk.json</c>) and validated before any resource is defined. Each key is declared here, once;
/// a bad value fails the synth with a message naming the key (STYLE.md, principle 7).
/// </summary>
public sealed partial class InfraSettings
{
    /// <summary>Context key: the stage, <c>dev</c> or <c>prod</c>. Required, no default.</summary>
    public const string StageKey = "stage";

    /// <summary>Context key: the folder of <see cref="PublishCommand"/>. Required (cdk.json names <c>../../artifacts/lambda</c>).</summary>
    public const string LambdaPackageKey = "lambdaPackage";

    /// <summary>Context key: the fleet CA certificate (PEM file), to register it in IoT Core with JITP. Optional, with <see cref="FleetCaVerificationPemKey"/>.</summary>
    public const string FleetCaPemKey = "fleetCaPem";

    /// <summary>Context key: the verification certificate (PEM file, CN = the account's registration code, signed by the CA).</summary>
    public const string FleetCaVerificationPemKey = "fleetCaVerificationPem";

    /// <summary>Context key: an e-mail address subscribed to the alarm topic. Optional.</summary>
    public const string AlarmEmailKey = "alarmEmail";

    /// <summary>Context key: the SES-verified address notifications are e-mailed from (issue 16); unset, the notifier sends webhooks only.</summary>
    public const string NotifyEmailFromKey = "notifyEmailFrom";

    /// <summary>Context key: the fleet's code-signing public key file (<c>codesign.pub</c> in the CA folder), which the API function checks uploaded images against (optional).</summary>
    public const string CodeSigningKeyKey = "codesignPublicKey";

    /// <summary>
    /// Context key: the ingest function's reserved concurrency; 0 for none. Default 0 (dev), 100 (prod).
    /// Lambda keeps 10 of the account's concurrency unreserved, so a reservation needs a quota above
    /// 10 plus the reservation (docs/aws/deploy.md, "Quotas to check first").
    /// </summary>
    public const string IngestConcurrencyKey = "ingestReservedConcurrency";

    /// <summary>Context key: cars dropping off within 15 minutes that raise the devices-offline alarm. Default 10 (dev), 50 (prod).</summary>
    public const string OfflineAlarmKey = "offlineAlarmThreshold";

    /// <summary>The stages the app knows. A stage's name flows into every resource name.</summary>
    public static readonly IReadOnlyList<string> Stages = ["dev", "prod"];

    /// <summary>The executable the Lambda package folder must hold: what the custom runtime starts.</summary>
    public const string BootstrapFile = "bootstrap";

    /// <summary>How the package is built (the runtime tests publish with the same command for their machine's architecture).</summary>
    public const string PublishCommand = "dotnet publish cloud/Tracker.Cloud.Lambda.Runtime -c Release -r linux-arm64 -o artifacts/lambda";

    private InfraSettings()
    {
    }

    /// <summary>The stage.</summary>
    public required string Stage { get; init; }

    /// <summary>The names derived from <see cref="Stage"/>.</summary>
    public StageNames Names => new(Stage);

    /// <summary>True for production: data is retained on stack deletion and tables are deletion-protected.</summary>
    public bool IsProduction => Stage == "prod";

    /// <summary>The Lambda package folder (absolute).</summary>
    public required string LambdaPackage { get; init; }

    /// <summary>The fleet CA certificate PEM, or null when the CA is registered by hand.</summary>
    public string? FleetCaPem { get; init; }

    /// <summary>The verification certificate PEM, present exactly when <see cref="FleetCaPem"/> is.</summary>
    public string? FleetCaVerificationPem { get; init; }

    /// <summary>The alarm e-mail, or null.</summary>
    public string? AlarmEmail { get; init; }

    /// <summary>The SES identity (an address) notifications are e-mailed from, or null for webhooks only.</summary>
    public string? NotifyEmailFrom { get; init; }

    /// <summary>The fleet's code-signing public key (the modulus the cars carry), or null: the API function then refuses image uploads.</summary>
    public byte[]? CodeSigningKey { get; init; }

    /// <summary>The ingest function's reserved concurrency, or 0 for none.</summary>
    public required int IngestReservedConcurrency { get; init; }

    /// <summary>The devices-offline alarm threshold (cars dropping off per 15 minutes).</summary>
    public required int OfflineAlarmThreshold { get; init; }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="context">Looks a context key up (<c>app.Node.TryGetContext</c>); values may be strings or JSON numbers.</param>
    /// <param name="baseDirectory">The folder relative paths are resolved against (the CDK app's working directory).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InfraConfigException">A key is missing or its value unusable; the message names it.</exception>
    public static InfraSettings Read(Func<string, object?> context, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        string stage = Text(context, StageKey) ?? throw new InfraConfigException($"context '{StageKey}' is required: -c {StageKey}=dev or -c {StageKey}=prod");
        if (!Stages.Contains(stage))
        {
            throw new InfraConfigException($"context '{StageKey}' must be one of {string.Join(", ", Stages)} (got '{stage}')");
        }

        bool prod = stage == "prod";
        string package = Text(context, LambdaPackageKey) ?? throw new InfraConfigException(
            $"context '{LambdaPackageKey}' is required: the folder of '{PublishCommand}'");
        package = Path.GetFullPath(package, baseDirectory);
        string bootstrap = Path.Combine(package, BootstrapFile);
        if (!File.Exists(bootstrap))
        {
            throw new InfraConfigException(
                $"context '{LambdaPackageKey}' = '{package}' holds no {BootstrapFile}: run '{PublishCommand}' (with -o {package}) first");
        }

        // The asset zip keeps the file's mode; Lambda cannot start a bootstrap that is not executable.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(bootstrap) & UnixFileMode.UserExecute) == 0)
        {
            throw new InfraConfigException($"context '{LambdaPackageKey}': '{bootstrap}' is not executable (chmod +x, or publish it again on Linux)");
        }

        string? caFile = Text(context, FleetCaPemKey);
        string? verificationFile = Text(context, FleetCaVerificationPemKey);
        if ((caFile is null) != (verificationFile is null))
        {
            throw new InfraConfigException($"contexts '{FleetCaPemKey}' and '{FleetCaVerificationPemKey}' go together: give both to register the fleet CA, or neither to register it by hand");
        }

        string? caPem = null;
        string? verificationPem = null;
        if (caFile is not null)
        {
            caPem = ReadCertificate(FleetCaPemKey, Path.GetFullPath(caFile, baseDirectory), out X509Certificate2 ca);
            verificationPem = ReadCertificate(FleetCaVerificationPemKey, Path.GetFullPath(verificationFile!, baseDirectory), out X509Certificate2 verification);
            using (ca)
            using (verification)
            {
                CheckCaPair(ca, verification);
            }
        }

        string? email = Text(context, AlarmEmailKey);
        if (email is not null && !Email().IsMatch(email))
        {
            throw new InfraConfigException($"context '{AlarmEmailKey}' is not an e-mail address (got '{email}')");
        }

        string? notifyFrom = Text(context, NotifyEmailFromKey);
        if (notifyFrom is not null && !Email().IsMatch(notifyFrom))
        {
            throw new InfraConfigException($"context '{NotifyEmailFromKey}' is not an e-mail address (got '{notifyFrom}')");
        }

        byte[]? codesign = null;
        if (Text(context, CodeSigningKeyKey) is { } codesignFile)
        {
            string path = Path.GetFullPath(codesignFile, baseDirectory);
            codesign = File.Exists(path) ? File.ReadAllBytes(path) : throw new InfraConfigException($"context '{CodeSigningKeyKey}' = '{path}' does not exist (the CA folder's codesign.pub)");
            if (codesign.Length is < 256 or > 512 || codesign.Length % 4 != 0 || (codesign[^1] & 1) == 0)
            {
                throw new InfraConfigException($"context '{CodeSigningKeyKey}' = '{path}' is not codesign.pub (a 2,048- to 4,096-bit RSA modulus, big-endian)");
            }
        }

        return new InfraSettings
        {
            NotifyEmailFrom = notifyFrom,
            CodeSigningKey = codesign,
            Stage = stage,
            LambdaPackage = package,
            FleetCaPem = caPem,
            FleetCaVerificationPem = verificationPem,
            AlarmEmail = email,
            IngestReservedConcurrency = Integer(context, IngestConcurrencyKey, prod ? 100 : 0, 0, 10_000),
            OfflineAlarmThreshold = Integer(context, OfflineAlarmKey, prod ? 50 : 10, 1, 1_000_000),
        };
    }

    private static string? Text(Func<string, object?> context, string key)
    {
        string? value = context(key)?.ToString()?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static int Integer(Func<string, object?> context, string key, int fallback, int min, int max)
    {
        string? text = Text(context, key);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new InfraConfigException($"context '{key}' must be an integer from {min} to {max} (got '{text}')");
        }

        return value;
    }

    private static string ReadCertificate(string key, string path, out X509Certificate2 certificate)
    {
        if (!File.Exists(path))
        {
            throw new InfraConfigException($"context '{key}' names '{path}', which does not exist");
        }

        string pem = File.ReadAllText(path);
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InfraConfigException($"context '{key}': '{path}' is not a PEM certificate ({e.Message})", e);
        }

        return pem;
    }

    // AWS IoT RegisterCACertificate checks the same, later and remotely: the CA must be a CA, and the
    // verification certificate must be signed by it (AWS IoT developer guide, "Register your CA certificate").
    private static void CheckCaPair(X509Certificate2 ca, X509Certificate2 verification)
    {
        X509BasicConstraintsExtension? constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is null || !constraints.CertificateAuthority)
        {
            throw new InfraConfigException($"context '{FleetCaPemKey}': '{ca.Subject}' is not a CA certificate (no basicConstraints CA:TRUE)");
        }

        if (verification.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData) is false)
        {
            throw new InfraConfigException($"context '{FleetCaVerificationPemKey}': the verification certificate is issued by '{verification.Issuer}', not by the fleet CA '{ca.Subject}'");
        }
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
