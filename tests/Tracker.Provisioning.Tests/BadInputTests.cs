using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

/// <summary>Every refusal names the problem and leaves the CA folder and the bundles exactly as they were.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string> Cases() =>
    [
        "duplicate car", "illegal characters", "empty id", "id too long", "wrong passphrase", "missing CA",
        "unwritable output", "output is a file", "missing root CA", "root CA not PEM", "missing policy", "bad policy",
        "non-report key in policy", "bad endpoint", "bad port", "apn with quote",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refusal_ChangesNothingOnDisk(string kind)
    {
        using var fleet = new Fleet();
        fleet.Create("CAR-0001");
        DeviceRequest request = fleet.Request("CAR-0002");
        string passphrase = Fleet.Pass;
        string caDir = fleet.CaDir;
        ProvisioningFailure expected;
        switch (kind)
        {
            case "duplicate car":
                request = request with { CarId = "CAR-0001" };
                expected = ProvisioningFailure.DuplicateCar;
                break;
            case "illegal characters":
                request = request with { CarId = "car/42#" };
                expected = ProvisioningFailure.InvalidCarId;
                break;
            case "empty id":
                request = request with { CarId = "" };
                expected = ProvisioningFailure.InvalidCarId;
                break;
            case "id too long":
                request = request with { CarId = new string('a', 129) };
                expected = ProvisioningFailure.InvalidCarId;
                break;
            case "wrong passphrase":
                passphrase = "not the passphrase at all";
                expected = ProvisioningFailure.WrongPassphrase;
                break;
            case "missing CA":
                caDir = fleet.Root.Combine("no-ca-here");
                expected = ProvisioningFailure.CaMissing;
                break;
            case "unwritable output":
                request = request with { BundlesDirectory = UnwritableFolder(fleet) };
                expected = ProvisioningFailure.OutputNotWritable;
                break;
            case "output is a file":
                File.WriteAllText(fleet.Root.Combine("a-file"), "x");
                request = request with { BundlesDirectory = fleet.Root.Combine("a-file") };
                expected = ProvisioningFailure.OutputNotWritable;
                break;
            case "missing root CA":
                request = request with { RootCaPath = fleet.Root.Combine("nope.pem") };
                expected = ProvisioningFailure.BadRootCa;
                break;
            case "root CA not PEM":
                File.WriteAllText(fleet.Root.Combine("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
                request = request with { RootCaPath = fleet.Root.Combine("junk.pem") };
                expected = ProvisioningFailure.BadRootCa;
                break;
            case "missing policy":
                request = request with { PolicyPath = fleet.Root.Combine("nope.conf") };
                expected = ProvisioningFailure.BadPolicy;
                break;
            case "bad policy":
                File.WriteAllText(fleet.Root.Combine("p.conf"), "report.moving.minPeriodS = -5\n");
                request = request with { PolicyPath = fleet.Root.Combine("p.conf") };
                expected = ProvisioningFailure.BadPolicy;
                break;
            case "non-report key in policy":
                File.WriteAllText(fleet.Root.Combine("p.conf"), "car.id = other\n");
                request = request with { PolicyPath = fleet.Root.Combine("p.conf") };
                expected = ProvisioningFailure.BadPolicy;
                break;
            case "bad endpoint":
                request = request with { Endpoint = "not a host!" };
                expected = ProvisioningFailure.InvalidArgument;
                break;
            case "bad port":
                request = request with { Port = 88830 };
                expected = ProvisioningFailure.InvalidArgument;
                break;
            case "apn with quote":
                request = request with { Apn = "a\"b" };
                expected = ProvisioningFailure.InvalidArgument;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        string before = fleet.Root.TreeHash();
        var e = Assert.Throws<ProvisioningException>(() =>
        {
            using FleetCa ca = FleetCa.Load(caDir, passphrase);
            DeviceIdentities.Create(ca, request);
        });
        Assert.Equal(expected, e.Failure);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    [Fact]
    public void Revoke_OfAnUnknownCar_IsRefused_AndChangesNothing()
    {
        using var fleet = new Fleet();
        fleet.Create("CAR-0001");
        string before = fleet.Root.TreeHash();
        using FleetCa ca = fleet.Load();
        Assert.Equal(ProvisioningFailure.UnknownCar, Assert.Throws<ProvisioningException>(() => DeviceIdentities.Revoke(ca, "CAR-0009")).Failure);
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    // As root, permissions do not stop writes; /proc refuses new folders to everyone.
    private static string UnwritableFolder(Fleet fleet)
    {
        string folder = fleet.Root.Combine("read-only");
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(folder, "<>|", "bundles");
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "x");
            File.Delete(Path.Combine(folder, "probe"));
            return "/proc/tracker-provisioning-test/bundles";
        }
        catch (UnauthorizedAccessException)
        {
            return Path.Combine(folder, "bundles");
        }
    }
}
