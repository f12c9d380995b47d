using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Config;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Verification;

/// <summary>
/// Connects to a broker as the car, with the bundle's certificate and key, and publishes one status
/// message (QoS 1) on its status topic, <c>tracker/{car}/status</c>, waiting for the PUBACK: the same
/// path the tracker takes, so success means the identity, the CA registration, the policy and the
/// endpoint all work. The payload is a real online status (Uplink/README.md) whose firmware version
/// reads <see cref="FirmwareVersion"/>, so the cloud decodes it like any other.
/// </summary>
public static class BundleVerifier
{
    /// <summary>The firmware version field of the test status, so it can be told apart in the cloud.</summary>
    public const string FirmwareVersion = "provision-verify";

    /// <summary>Runs the check. Never throws for a network or broker failure: that is the result.</summary>
    /// <param name="request">Bundle and broker.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ProvisioningException">The bundle cannot be read, or the CA file is bad.</exception>
    public static VerifyResult Verify(VerifyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Attempts is < 1 or > 10)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "attempts must be 1 to 10");
        }

        DeviceBundle bundle = DeviceBundle.Open(request.BundleDirectory);
        TrackerConfigResult config = TrackerConfigLoader.Load(File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
        if (!config.IsOk)
        {
            throw new ProvisioningException(ProvisioningFailure.BadBundle, bundle.PathOf(BundleFiles.Config) + ": " + config.Message);
        }

        string host = request.Host ?? config.Config!.MqttEndpoint;
        int port = request.Port ?? config.Config!.MqttPort;
        if (port is < 1 or > 65535)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the port must be 1 to 65535");
        }

        MqttNetLinkOptions options = Options(bundle, request, host, port);
        string topic = config.Config!.Topics.Status;
        byte[] payload = StatusPayload();
        var clock = Stopwatch.StartNew();
        VerifyResult Result(bool ok, string stage, LinkResult outcome, string reason, int attempts) => new()
        {
            Ok = ok,
            Stage = stage,
            Outcome = outcome,
            Reason = reason,
            CarId = bundle.CarId,
            Broker = host + ":" + port,
            Topic = topic,
            Attempts = attempts,
            Elapsed = clock.Elapsed,
        };

        VerifyResult? last = null;
        for (int attempt = 1; attempt <= request.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                Thread.Sleep(request.RetryDelay);
            }

            using var link = new MqttNetLink(options);
            LinkResult connected = link.Connect(new MqttConnectOptions(bundle.CarId, 30, null, null, true));
            if (connected != LinkResult.Ok)
            {
                last = Result(false, "connect", connected, link.LastFailure ?? connected.ToString(), attempt);
                continue;
            }

            LinkResult published = link.Publish(topic, payload, 0, payload.Length, 1, out int messageId);
            if (published != LinkResult.Ok)
            {
                last = Result(false, "publish", published, link.LastFailure ?? published.ToString(), attempt);
                continue;
            }

            // The link reports the PUBACK (or its failure) once; it times out on its own after OperationTimeout.
            var wait = Stopwatch.StartNew();
            bool done = false;
            bool delivered = false;
            while (!done && wait.Elapsed < request.Timeout + TimeSpan.FromSeconds(2))
            {
                if (link.TryTakeCompletion(out int id, out bool ok) && id == messageId)
                {
                    done = true;
                    delivered = ok;
                }
                else
                {
                    Thread.Sleep(20);
                }
            }

            link.Disconnect();
            if (delivered)
            {
                return Result(true, "done", LinkResult.Ok, $"published {payload.Length} bytes on {topic}; the broker acknowledged it (PUBACK)", attempt);
            }

            // A broker that refuses a publish (AWS IoT policy, mosquitto ACL) closes the connection or never acknowledges.
            last = Result(false, "puback", done ? LinkResult.NotConnected : LinkResult.Timeout, link.LastFailure ?? (done
                ? "the connection closed before the PUBACK: the broker refused the publish (policy or ACL) or dropped the car"
                : "no PUBACK: the broker did not acknowledge the test message"), attempt);
        }

        return last!;
    }

    private static MqttNetLinkOptions Options(DeviceBundle bundle, VerifyRequest request, string host, int port)
    {
        string caPath = request.CaPath ?? bundle.PathOf(BundleFiles.RootCaPem);
        X509Certificate2 client;
        try
        {
            client = X509Certificate2.CreateFromPemFile(bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem));
        }
        catch (CryptographicException e)
        {
            throw new ProvisioningException(ProvisioningFailure.BadBundle, "the bundle's certificate and key do not load together: " + e.Message, e);
        }

        X509Certificate2[] cas;
        try
        {
            cas = CertificateFacts.ParsePemCertificates(File.ReadAllText(caPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadRootCa, "cannot read " + caPath + ": " + e.Message, e);
        }

        if (cas.Length == 0)
        {
            throw new ProvisioningException(ProvisioningFailure.BadRootCa, caPath + " holds no PEM certificate");
        }

        return new MqttNetLinkOptions(host, port, client, cas[0], request.ServerName, request.Timeout);
    }

    private static byte[] StatusPayload()
    {
        StatusReport report = StatusReport.CreateOnline();
        report.UtcS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        report.FirmwareVersion = FirmwareVersion;
        byte[] buffer = new byte[StatusCodec.MaxBytes];
        int length = StatusCodec.Encode(ref report, buffer, 0);
        return buffer[..length];
    }
}
