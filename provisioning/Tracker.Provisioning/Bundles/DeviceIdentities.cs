using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Uplink;
using Tracker.Provisioning.Flashing;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Bundles;

/// <summary>
/// Issues, rotates and revokes cars' identities. Every operation checks everything first, builds its
/// output in a staging folder or temporary file, and only then renames it into place, so a refusal
/// (duplicate car, bad id, bad root CA or policy, unwritable folder) leaves the disk as it was.
/// </summary>
public static class DeviceIdentities
{
    /// <summary>The format of a history folder's name.</summary>
    public const string HistoryStampFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// Issues a car's identity and writes its bundle (<see cref="BundleFiles"/>): a new P-256 key, a
    /// certificate with CN = car id and a random serial, the certificate chain and the endpoint's root
    /// CA in PEM and DER, a checked <c>tracker.conf</c>, and nanoff's deployment JSON. Records it in the
    /// ledger. With <see cref="DeviceRequest.Rotate"/>, the car's earlier bundle moves to
    /// <c>history/{stamp}/</c> inside the new one and its ledger entry becomes rotated.
    /// </summary>
    /// <param name="ca">The fleet CA, with its key.</param>
    /// <param name="request">What to issue.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ProvisioningException">Any refusal; nothing on disk changed.</exception>
    public static DeviceBundle Create(FleetCa ca, DeviceRequest request)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset now = request.Now ?? DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));

        // 1. The command line's values and the input files.
        (X509Certificate2[] roots, string[]? policy) = CheckInputs(request);
        string installer = string.IsNullOrWhiteSpace(request.Installer) ? Environment.UserName : request.Installer.Trim();
        string bundlesRoot = Path.GetFullPath(request.BundlesDirectory);
        string bundleDir = Path.Combine(bundlesRoot, request.CarId);

        // 2. The fleet's state: one active identity per car, one bundle folder per car.
        Ledger ledger = Ledger.Load(ca.Directory);
        LedgerEntry? active = ledger.FindActive(request.CarId);
        bool bundleExists = Directory.Exists(bundleDir) || File.Exists(bundleDir);
        if (!request.Rotate && (active is not null || bundleExists))
        {
            string why = active is not null
                ? $"car {request.CarId} already has an active identity (serial {active.Serial}, issued {active.IssuedUtc:u} by {active.Installer})"
                : $"the bundle folder {bundleDir} already exists";
            throw new ProvisioningException(ProvisioningFailure.DuplicateCar, why + "; use --rotate to replace it (the old one is kept in history)");
        }

        if (File.Exists(bundleDir))
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, bundleDir + " is a file, not a bundle folder");
        }

        if (File.Exists(bundlesRoot))
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, bundlesRoot + " is a file, not a folder");
        }

        // 3. The identity, in memory.
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] serial = CertificateFacts.NewSerial();
        using X509Certificate2 certificate = ca.IssueDevice(request.CarId, key, serial, now.AddHours(-1), now.AddDays(request.ValidDays));
        string serialHex = certificate.SerialNumber;
        string fingerprint = CertificateFacts.Sha256Fingerprint(certificate);
        (string config, _) = TrackerConfigWriter.Build(
            request.CarId,
            request.Endpoint ?? "",
            request.Port,
            request.IngestRule,
            request.Apn,
            policy,
            [
                "tracker.conf for car " + request.CarId + ", written by tracker-provision " + now.ToString("u", CultureInfo.InvariantCulture),
                "certificate serial " + serialHex + ", issued by " + installer,
            ]);

        var bundle = new DeviceBundle
        {
            Directory = bundleDir,
            CarId = request.CarId,
            Serial = serialHex,
            Sha256Fingerprint = fingerprint,
            IssuedUtc = now,
            NotAfterUtc = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Installer = installer,
            Endpoint = request.Endpoint!,
            Port = request.Port,
        };

        Ledger next = active is null ? ledger : ledger.WithStatus(active.Serial, IdentityStatus.Rotated, now);
        next = next.Add(new LedgerEntry
        {
            CarId = request.CarId,
            Serial = serialHex,
            Sha256Fingerprint = fingerprint,
            IssuedUtc = now,
            NotAfterUtc = bundle.NotAfterUtc,
            Installer = installer,
            Status = IdentityStatus.Active,
            Bundle = bundleDir,
        });

        // 4. Writes: the bundles folder (if new), the staged bundle, the staged ledger; then the renames.
        bool createdRoot = false;
        string? ledgerTemp = null;
        try
        {
            if (!Directory.Exists(bundlesRoot))
            {
                Directory.CreateDirectory(bundlesRoot);
                createdRoot = true;
            }

            using StagingFolder staging = StagingFolder.Beside(bundleDir);
            WriteBundle(staging, ca, certificate, key, roots, config, bundle);
            ledgerTemp = AtomicFile.Stage(next.Path, next.ToJsonBytes());

            string? rotatedTo = null;
            if (bundleExists)
            {
                rotatedTo = MoveToHistory(bundleDir, staging, now);
            }

            try
            {
                staging.Commit();
            }
            catch
            {
                if (rotatedTo is not null)
                {
                    UndoHistory(bundleDir, staging, rotatedTo);
                }

                throw;
            }

            File.Move(ledgerTemp, next.Path, overwrite: true);
            ledgerTemp = null;
            return bundle with { RotatedTo = rotatedTo is null ? null : Path.Combine(bundleDir, BundleFiles.History, Path.GetFileName(rotatedTo)) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (createdRoot)
            {
                TryDeleteEmpty(bundlesRoot);
            }

            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write the bundle or the ledger: " + e.Message, e);
        }
        catch (ProvisioningException)
        {
            if (createdRoot)
            {
                TryDeleteEmpty(bundlesRoot);
            }

            throw;
        }
        finally
        {
            if (ledgerTemp is not null)
            {
                AtomicFile.TryDelete(ledgerTemp);
            }
        }
    }

    /// <summary>
    /// Revokes an identity: its ledger entry becomes revoked and the CRL is rewritten (with the next
    /// CRL number) to list it. By default the car's active identity; with <paramref name="serial"/>, that
    /// certificate (for example a rotated one whose old key may have leaked).
    /// </summary>
    /// <param name="ca">The fleet CA, with its key (it signs the CRL).</param>
    /// <param name="carId">The car.</param>
    /// <param name="serial">A certificate serial of that car, or null for its active identity.</param>
    /// <param name="now">The time of revocation; now when null.</param>
    /// <returns>The entry as revoked.</returns>
    /// <exception cref="ProvisioningException">No such identity, already revoked, or the CA folder cannot be written.</exception>
    public static LedgerEntry Revoke(FleetCa ca, string carId, string? serial = null, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (!UplinkTopics.IsValidThingName(carId))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidCarId, FleetCa.InvalidCarIdMessage(carId));
        }

        DateTimeOffset t = now ?? DateTimeOffset.UtcNow;
        t = t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
        Ledger ledger = Ledger.Load(ca.Directory);
        LedgerEntry? entry = serial is null ? ledger.FindActive(carId) : ledger.FindSerial(serial);
        if (entry is null || entry.CarId != carId)
        {
            throw new ProvisioningException(ProvisioningFailure.UnknownCar, serial is null
                ? $"car {carId} has no active identity in the ledger ('device list' shows them)"
                : $"car {carId} has no certificate with serial {serial} in the ledger");
        }

        if (entry.Status == IdentityStatus.Revoked)
        {
            throw new ProvisioningException(ProvisioningFailure.UnknownCar, $"serial {entry.Serial} of car {carId} is already revoked");
        }

        Ledger next = ledger.WithStatus(entry.Serial, IdentityStatus.Revoked, t).WithNextCrlNumber();
        WriteCrlAndLedger(ca, next, t);
        return next.FindSerial(entry.Serial)!;
    }

    /// <summary>Rewrites the CRL with the next number and a fresh nextUpdate (a CRL past its nextUpdate makes mosquitto refuse every car).</summary>
    /// <param name="ca">The fleet CA, with its key.</param>
    /// <param name="now">thisUpdate; now when null.</param>
    /// <returns>The CRL's path.</returns>
    public static string RenewCrl(FleetCa ca, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        Ledger next = Ledger.Load(ca.Directory).WithNextCrlNumber();
        WriteCrlAndLedger(ca, next, now ?? DateTimeOffset.UtcNow);
        return CaFiles.PathOf(ca.Directory, CaFiles.Crl);
    }

    /// <summary>
    /// Checks a request's values and input files without the CA (so the CLI can refuse a bad car id,
    /// endpoint, APN, root CA or policy before asking for the passphrase). <see cref="Create"/> checks
    /// them again, with the fleet's state.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ProvisioningException">The first problem found.</exception>
    public static void Check(DeviceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = CheckInputs(request);
    }

    private static (X509Certificate2[] Roots, string[]? Policy) CheckInputs(DeviceRequest request)
    {
        if (!UplinkTopics.IsValidThingName(request.CarId))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidCarId, FleetCa.InvalidCarIdMessage(request.CarId));
        }

        if (request.ValidDays is < 1 or > 36_500)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the certificate validity must be 1 to 36500 days");
        }

        if (request.Apn is null)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the APN is required (\"\" lets the network choose)");
        }

        if (string.IsNullOrWhiteSpace(request.BundlesDirectory))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the bundles folder is required");
        }

        X509Certificate2[] roots = ReadRootCa(request.RootCaPath);
        string[]? policy = request.PolicyPath is null ? null : ReportPolicyFile.Read(request.PolicyPath);
        _ = TrackerConfigWriter.Build(request.CarId, request.Endpoint ?? "", request.Port, request.IngestRule, request.Apn, policy, []);
        return (roots, policy);
    }

    private static void WriteCrlAndLedger(FleetCa ca, Ledger next, DateTimeOffset now)
    {
        string crlPath = CaFiles.PathOf(ca.Directory, CaFiles.Crl);
        string crl = CrlWriter.BuildPem(ca, next, now);
        string? crlTemp = null;
        string? ledgerTemp = null;
        try
        {
            crlTemp = AtomicFile.Stage(crlPath, System.Text.Encoding.ASCII.GetBytes(crl));
            ledgerTemp = AtomicFile.Stage(next.Path, next.ToJsonBytes());
            File.Move(ledgerTemp, next.Path, overwrite: true);
            ledgerTemp = null;
            File.Move(crlTemp, crlPath, overwrite: true);
            crlTemp = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write the CRL or the ledger in " + ca.Directory + ": " + e.Message, e);
        }
        finally
        {
            if (crlTemp is not null)
            {
                AtomicFile.TryDelete(crlTemp);
            }

            if (ledgerTemp is not null)
            {
                AtomicFile.TryDelete(ledgerTemp);
            }
        }
    }

    private static X509Certificate2[] ReadRootCa(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadRootCa, "cannot read the root CA file " + path + ": " + e.Message, e);
        }

        X509Certificate2[] certificates = CertificateFacts.ParsePemCertificates(text);
        if (certificates.Length == 0)
        {
            throw new ProvisioningException(ProvisioningFailure.BadRootCa, path + " holds no PEM certificate (for AWS IoT use Amazon Root CA 1: https://www.amazontrust.com/repository/AmazonRootCA1.pem)");
        }

        return certificates;
    }

    private static void WriteBundle(StagingFolder staging, FleetCa ca, X509Certificate2 certificate, ECDsa key, X509Certificate2[] roots, string config, DeviceBundle bundle)
    {
        string caPem = ca.Certificate.ExportCertificatePem() + "\n";
        File.WriteAllText(staging.File(BundleFiles.Config), config);
        File.WriteAllText(staging.File(BundleFiles.RootCaPem), string.Concat(roots.Select(r => r.ExportCertificatePem() + "\n")));
        File.WriteAllText(staging.File(BundleFiles.CertificatePem), certificate.ExportCertificatePem() + "\n" + caPem);
        File.WriteAllText(staging.File(BundleFiles.KeyPem), key.ExportPkcs8PrivateKeyPem() + "\n");
        FleetCa.OwnerOnly(staging.File(BundleFiles.KeyPem));
        File.WriteAllBytes(staging.File(BundleFiles.CertificateDer), certificate.RawData);
        File.WriteAllBytes(staging.File(BundleFiles.KeyDer), key.ExportPkcs8PrivateKey());
        FleetCa.OwnerOnly(staging.File(BundleFiles.KeyDer));
        File.WriteAllText(staging.File(BundleFiles.FleetCaPem), caPem);
        File.WriteAllBytes(staging.File(BundleFiles.FleetCaDer), ca.Certificate.RawData);
        File.WriteAllBytes(staging.File(BundleFiles.RootCaDer), roots[0].RawData);
        if (CodeSigning.ReadPublicKey(ca.Directory) is byte[] codeSigning)
        {
            // The fleet's code-signing public key, which the car checks every update against (issue 18).
            File.WriteAllBytes(staging.File(BundleFiles.CodeSigningKey), codeSigning);
        }

        File.WriteAllText(staging.File(BundleFiles.Deployment), NanoffDeployment.Build(staging.Target, null, name => File.Exists(staging.File(name))));
        File.WriteAllText(staging.File(BundleFiles.Identity), bundle.ToJson());
    }

    // The old bundle becomes staging/history/{stamp}; its own history comes along as staging/history.
    private static string MoveToHistory(string bundleDir, StagingFolder staging, DateTimeOffset now)
    {
        string history = staging.File(BundleFiles.History);
        string oldHistory = Path.Combine(bundleDir, BundleFiles.History);
        if (Directory.Exists(oldHistory))
        {
            Directory.Move(oldHistory, history);
        }
        else
        {
            Directory.CreateDirectory(history);
        }

        string stamp = now.UtcDateTime.ToString(HistoryStampFormat, CultureInfo.InvariantCulture);
        string target = Path.Combine(history, stamp);
        for (int i = 2; Directory.Exists(target); i++)
        {
            target = Path.Combine(history, stamp + "-" + i.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            Directory.Move(bundleDir, target);
        }
        catch
        {
            if (Directory.Exists(oldHistory) is false && Directory.Exists(history) && Directory.Exists(bundleDir))
            {
                Directory.Move(history, oldHistory);
            }

            throw;
        }

        return target;
    }

    private static void UndoHistory(string bundleDir, StagingFolder staging, string rotatedTo)
    {
        Directory.Move(rotatedTo, bundleDir);
        string history = staging.File(BundleFiles.History);
        if (Directory.EnumerateFileSystemEntries(history).Any())
        {
            Directory.Move(history, Path.Combine(bundleDir, BundleFiles.History));
        }
    }

    private static void TryDeleteEmpty(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
