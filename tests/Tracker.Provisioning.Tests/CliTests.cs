using System.Text.Json;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

public sealed class CliTests
{
    [Fact]
    public void UnknownOption_IsUsage()
    {
        CliRun run = CliRun.Of(Fleet.Pass, "device", "list", "--ca", "x", "--colour");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--colour", run.Error);
    }

    [Fact]
    public void MissingCar_IsUsage()
    {
        CliRun run = CliRun.Of(Fleet.Pass, "device", "create", "--ca", "ca", "--out", "b", "--endpoint", "h", "--apn", "a", "--root-ca", "r.pem");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--car", run.Error);
    }

    [Theory]
    [InlineData("--passphrase", "secret-secret-secret")]
    [InlineData("--passphrase=secret-secret-secret", null)]
    [InlineData("--password", "secret-secret-secret")]
    public void PassphraseAsAnOption_IsRefused_AndCreatesNothing(string option, string? value)
    {
        using var temp = new TempFolder();
        string[] args = value is null ? ["ca", "create", "--out", temp.Combine("ca"), option] : ["ca", "create", "--out", temp.Combine("ca"), option, value];
        CliRun run = CliRun.Of(null, args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("TRACKER_CA_PASSPHRASE", run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void NoPassphraseAndNoTerminal_IsRefusedWithTheWayToGiveIt()
    {
        using var temp = new TempFolder();
        CliRun run = CliRun.Of(null, "ca", "create", "--out", temp.Combine("ca"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("TRACKER_CA_PASSPHRASE", run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void IllegalCarId_IsUsage_BeforeThePassphraseIsNeeded()
    {
        using var fleet = new Fleet();
        string before = fleet.Root.TreeHash();
        CliRun run = CliRun.Of(null, "device", "create", "--car", "car 42", "--ca", fleet.CaDir, "--out", fleet.BundlesDir, "--endpoint", "h.example", "--apn", "a", "--root-ca", fleet.RootCaPath);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a valid car id", run.Error);
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    [Fact]
    public void WrongPassphrase_IsFailure_AndChangesNothing()
    {
        using var fleet = new Fleet();
        string before = fleet.Root.TreeHash();
        CliRun run = CliRun.Of("wrong wrong wrong", "device", "create", "--car", "CAR-1", "--ca", fleet.CaDir, "--out", fleet.BundlesDir, "--endpoint", "h.example", "--apn", "a", "--root-ca", fleet.RootCaPath, "--json");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("passphrase", run.Error);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("wrongPassphrase", doc.RootElement.GetProperty("failure").GetString());
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    [Fact]
    public void Json_CreateListRevoke_Parse()
    {
        using var fleet = new Fleet();
        CliRun create = CliRun.Of(Fleet.Pass, "device", "create", "--car", "CAR-0042", "--ca", fleet.CaDir, "--out", fleet.BundlesDir, "--endpoint", "h.example", "--apn", "iot", "--root-ca", fleet.RootCaPath, "--installer", "bo", "--json");
        Assert.Equal(0, create.ExitCode);
        using JsonDocument created = JsonDocument.Parse(create.Out);
        Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
        string serial = created.RootElement.GetProperty("serial").GetString()!;

        CliRun list = CliRun.Of(null, "device", "list", "--ca", fleet.CaDir, "--json");
        Assert.Equal(0, list.ExitCode);
        using JsonDocument listed = JsonDocument.Parse(list.Out);
        Assert.Equal(JsonValueKind.Object, listed.RootElement.ValueKind);
        Assert.True(listed.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(1, listed.RootElement.GetProperty("count").GetInt32());
        JsonElement entry = Assert.Single(listed.RootElement.GetProperty("identities").EnumerateArray());
        Assert.Equal("CAR-0042", entry.GetProperty("carId").GetString());
        Assert.Equal(serial, entry.GetProperty("serial").GetString());
        Assert.Equal("bo", entry.GetProperty("installer").GetString());
        Assert.Equal("active", entry.GetProperty("status").GetString());
        Assert.Equal(64, entry.GetProperty("sha256Fingerprint").GetString()!.Length);

        CliRun revoke = CliRun.Of(Fleet.Pass, "device", "revoke", "--car", "CAR-0042", "--ca", fleet.CaDir, "--json");
        Assert.Equal(0, revoke.ExitCode);
        using JsonDocument revoked = JsonDocument.Parse(revoke.Out);
        Assert.Equal("revoked", revoked.RootElement.GetProperty("entry").GetProperty("status").GetString());
    }

    [Fact]
    public void Table_ListsTheCar()
    {
        using var fleet = new Fleet();
        fleet.Create("CAR-0042");
        CliRun list = CliRun.Of(null, "device", "list", "--ca", fleet.CaDir);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("CAR-0042", list.Out);
        Assert.Contains("active", list.Out);
    }

    [Fact]
    public void Table_InAFileOrAPipe_KeepsEachRowOnOneLine()
    {
        using var fleet = new Fleet();
        using (var ca = fleet.Load())
        {
            DeviceIdentities.Create(ca, fleet.Request("CAR-0042") with { Installer = "Ann Smith of the night shift, depot north" });
        }

        CliRun list = CliRun.Of(null, "device", "list", "--ca", fleet.CaDir);

        Assert.Equal(0, list.ExitCode);
        string row = Assert.Single(list.Out.Split('\n'), l => l.Contains("CAR-0042", StringComparison.Ordinal));
        Assert.Contains("Ann Smith of the night shift, depot north", row, StringComparison.Ordinal);
        Assert.Contains("active", row, StringComparison.Ordinal);
        Assert.True(row.Length > 80, "the row is " + row.Length + " characters: it should not be cut to 80");
    }

    [Fact]
    public void CaCreate_Json_Parses()
    {
        using var temp = new TempFolder();
        CliRun run = CliRun.Of(Fleet.Pass, "ca", "create", "--out", temp.Combine("ca"), "--valid-days", "30", "--json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.True(File.Exists(doc.RootElement.GetProperty("files").GetProperty("jitpTemplate").GetString()));
        Assert.Equal(64, doc.RootElement.GetProperty("sha256Fingerprint").GetString()!.Length);
    }

    [Fact]
    public void FlashDryRun_PrintsTheProfilesNanoffCommands()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        string profile = Path.Combine(Repository.Root, "nanoff.json");
        CliRun run = CliRun.Of(null, "device", "flash", "--bundle", bundle.Directory, "--port", "/dev/ttyACM0", "--dry-run", "--profile", profile, "--json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        string[] commands = doc.RootElement.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("command").GetString()!).ToArray();
        Assert.Equal(3, commands.Length);
        Assert.StartsWith("nanoff flash target ESP32_S3_OCTAL serialport /dev/ttyACM0 fwversion ", commands[0]);
        Assert.DoesNotContain("masserase", commands[0]);
        Assert.Equal($"nanoff deploy file {bundle.PathOf(BundleFiles.Deployment)} serialport /dev/ttyACM0", commands[1]);
        Assert.Contains("image ", commands[2]);

        CliRun legacy = CliRun.Of(null, "device", "flash", "--bundle", bundle.Directory, "--port", "COM7", "--dry-run", "--profile", profile, "--legacy", "--masserase", "--step", "firmware", "--step", "files");
        Assert.Equal(0, legacy.ExitCode);
        string[] lines = legacy.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("--masserase", lines[0].Trim());
        Assert.StartsWith("nanoff --filedeployment ", lines[1]);
    }

    [Fact]
    public void Verify_AgainstAClosedPort_FailsWithExitOneAndAReason()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        int port = FreePort.OnLoopback(); // nothing listens there now
        CliRun run = CliRun.Of(null, "device", "verify", "--bundle", bundle.Directory, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--attempts", "1", "--json");
        Assert.Equal(1, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("connect", doc.RootElement.GetProperty("stage").GetString());
        Assert.Equal("tracker/CAR-0042/status", doc.RootElement.GetProperty("topic").GetString());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("reason").GetString()));
    }

    [Fact]
    public void Help_IsExitZero()
    {
        CliRun run = CliRun.Of(null, "device", "create", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--rotate", run.Out);
    }
}
