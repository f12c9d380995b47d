using System.Text;
using System.Text.Json;
using Tracker.Core.Config;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// Remote configuration on the car: a shadow delta validated by the loader's rules, applied as a
/// whole or not at all, live keys at once and restart keys pending, refusals with the loader's
/// reason, and the reported document (Control/README.md §1).
/// </summary>
public class RemoteConfigTests
{
    internal const string BaseConf =
        "car.id = car-42\n" +
        "mqtt.endpoint = a1b2c3-ats.iot.eu-west-1.amazonaws.com\n" +
        "tls.caFile = ca.pem\n" +
        "tls.certFile = dev.crt\n" +
        "tls.keyFile = dev.key\n" +
        "cell.apn = iot.example\n" +
        "uplink.normalPeriodS = 300\n";

    internal const string Dir = "cfg";

    /// <summary>A delta in IoT Core's shape; the cfg is written with tracker.conf's keys, turned into their shadow names here.</summary>
    internal static byte[] Delta(int version, string cfgJson) =>
        Encoding.UTF8.GetBytes(ToShadowNames($"{{\"version\":{version},\"timestamp\":1733500000,\"state\":{{\"cfg\":{cfgJson}}},\"metadata\":{{\"cfg\":{{}}}}}}"));

    internal static string ToShadowNames(string json)
    {
        for (int i = 0; i < ShadowNames.Count; i++)
        {
            json = json.Replace("\"" + ShadowNames.KeyAt(i) + "\":", "\"" + ShadowNames.NameAt(i) + "\":", StringComparison.Ordinal);
        }

        return json;
    }

    private static JsonElement Cfg(JsonElement reported, string key) => reported.GetProperty("cfg").GetProperty(ShadowNames.NameOf(key));

    private static ApplyOutcome Apply(RemoteConfig remote, byte[] payload) => remote.Apply(payload, 0, payload.Length);

    private static (RemoteConfig Remote, FaultyFlash Flash) Fresh()
    {
        var flash = new FaultyFlash();
        RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(remote.Result.IsOk, remote.Result.Message);
        return (remote, flash);
    }

    [Fact]
    public void ALiveKey_RunsAtOnce_IsCommitted_AndIsReportedWithTheVersion()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();

        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(7, "{\"uplink.normalPeriodS\":600,\"report.moving.minPeriodS\":10}")));

        Assert.Equal(600_000, remote.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(10, remote.Result.Config!.Report.MovingMinPeriodS);
        Assert.Equal(7, remote.AppliedVersion);
        Assert.Empty(remote.PendingKeys());

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal(600_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(7, rebooted.AppliedVersion);

        using JsonDocument reported = JsonDocument.Parse(ShadowReport.Build(remote));
        JsonElement r = reported.RootElement.GetProperty("state").GetProperty("reported");
        Assert.Equal(600, Cfg(r, "uplink.normalPeriodS").GetInt32());
        Assert.Equal(10, Cfg(r, "report.moving.minPeriodS").GetInt32());
        Assert.Equal(7, r.GetProperty("cfgVer").GetInt32());
        Assert.Equal(0, r.GetProperty("cfgPending").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("cfgErr").ValueKind);
    }

    [Fact]
    public void ARestartKey_IsCommittedButPending_AndRunsAfterTheRestart()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();

        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(3, "{\"cell.rat\":\"nbiot\",\"hw.led.pin\":-1,\"uplink.statusPeriodS\":600}")));

        Assert.Equal(["cell.rat", "hw.led.pin"], remote.PendingKeys());
        Assert.True(remote.RestartPending);
        Assert.Equal(600_000, remote.Result.Config!.Uplink.StatusPeriodMs);
        Assert.Equal(21, remote.Result.Config!.GetInt(TrackerSetting.HwLedPin));
        using (JsonDocument reported = JsonDocument.Parse(ShadowReport.Build(remote)))
        {
            JsonElement r = reported.RootElement.GetProperty("state").GetProperty("reported");
            Assert.False(r.GetProperty("cfg").TryGetProperty("rat", out _));
            Assert.Equal(["cell.rat", "hw.led.pin"], r.GetProperty("cfgPending").EnumerateArray().Select(e => e.GetString()!));
        }

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Empty(rebooted.PendingKeys());
        Assert.Equal(-1, rebooted.Result.Config!.GetInt(TrackerSetting.HwLedPin));
        Assert.Equal("nbiot", rebooted.Result.Config!.GetChoice(TrackerSetting.CellRat));
        Assert.True(rebooted.OnTrial); // reported once the uplink connects on it (ConfigTrialTests)
        Assert.True(rebooted.ConfirmTrial());
        using JsonDocument after = JsonDocument.Parse(ShadowReport.Build(rebooted));
        Assert.Equal("nbiot", Cfg(after.RootElement.GetProperty("state").GetProperty("reported"), "cell.rat").GetString());
    }

    [Fact]
    public void ALiveKeyThatNeedsAPendingRestartKey_WaitsForTheRestartToo()
    {
        (RemoteConfig remote, _) = Fresh();

        // maxMessageBytes over 1024 needs wifi.ssid (a restart key): the two run together, after the restart.
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(4, "{\"wifi.ssid\":\"depot\",\"uplink.maxMessageBytes\":4096}")));

        Assert.Equal(["wifi.ssid", "uplink.maxMessageBytes"], remote.PendingKeys());
        Assert.Equal(1024, remote.Result.Config!.Uplink.MaxMessageBytes);
    }

    [Theory]
    [InlineData("{\"uplink.normalPeriodS\":0}", "OutOfRange", "uplink.normalPeriodS")]
    [InlineData("{\"uplink.normalPeriodS\":1.5}", "BadNumber", "uplink.normalPeriodS")]
    [InlineData("{\"uplink.normalPeriodS\":99999999999}", "BadNumber", "uplink.normalPeriodS")]
    [InlineData("{\"uplink.livePeriodS\":900,\"uplink.normalPeriodS\":600}", "Inconsistent", "uplink.livePeriodS")]
    [InlineData("{\"cell.rat\":\"5g\"}", "BadChoice", "cell.rat")]
    [InlineData("{\"cell.apn\":\"bad\\\"apn\"}", "BadText", "cell.apn")]
    [InlineData("{\"uplink.normalPeriodz\":5}", "UnknownKey", "uplink.normalPeriodz")]
    [InlineData("{\"report.moving.minPeriodS\":0}", "OutOfRange", "report.moving.minPeriodS")]
    [InlineData("{\"hw.led.pin\":4}", "Inconsistent", "hw.led.pin")]
    [InlineData("{\"car.id\":\"car-43\"}", "ProvisioningOnly", "car.id")]
    [InlineData("{\"tls.caFile\":\"x.pem\"}", "ProvisioningOnly", "tls.caFile")]
    [InlineData("{\"wifi.password\":\"secret123\"}", "ProvisioningOnly", "wifi.password")]
    [InlineData("{\"uplink.normalPeriodS\":\"600\"}", "BadType", "uplink.normalPeriodS")]
    [InlineData("{\"uplink.liveWhenMoving\":\"false\"}", "BadType", "uplink.liveWhenMoving")]
    [InlineData("{\"cell.apn\":1234}", "BadType", "cell.apn")]
    public void ARefusedDelta_KeepsTheOldConfig_AndIsReportedWithTheLoadersReason(string cfg, string code, string key)
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(5, "{\"uplink.normalPeriodS\":600}")));
        string[] filesBefore = flash.Paths;

        Assert.Equal(ApplyOutcome.Refused, Apply(remote, Delta(6, cfg)));

        string name = ShadowNames.NameOf(key).Length > 0 ? ShadowNames.NameOf(key) : key;
        Assert.Equal(code, remote.ErrorCode);
        Assert.Equal(name, remote.ErrorKey);
        Assert.Contains(key, remote.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("line ", remote.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(5, remote.AppliedVersion);
        Assert.Equal(600_000, remote.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(filesBefore, flash.Paths);
        Assert.Equal(5, RemoteConfig.Open(flash, Dir, BaseConf).AppliedVersion);

        using JsonDocument reported = JsonDocument.Parse(ShadowReport.Build(remote));
        JsonElement r = reported.RootElement.GetProperty("state").GetProperty("reported");
        Assert.Equal(5, r.GetProperty("cfgVer").GetInt32());
        Assert.Equal(6, r.GetProperty("cfgErr").GetProperty("ver").GetInt32());
        Assert.Equal(code, r.GetProperty("cfgErr").GetProperty("code").GetString());
        Assert.Equal(name, r.GetProperty("cfgErr").GetProperty("key").GetString());
    }

    [Fact]
    public void ADeltaWithOneBadKey_AppliesNoneOfItsKeys()
    {
        (RemoteConfig remote, _) = Fresh();

        Assert.Equal(ApplyOutcome.Refused, Apply(remote, Delta(2, "{\"report.moving.minPeriodS\":10,\"uplink.statusPeriodS\":5}")));

        Assert.Equal(0, remote.Running.Count);
        Assert.Equal(0, remote.Staged.Count);
        Assert.NotEqual(10, remote.Result.Config!.Report.MovingMinPeriodS);
    }

    [Fact]
    public void AStaleOrRedeliveredDelta_IsIgnored()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(9, "{\"uplink.normalPeriodS\":600}")));

        Assert.Equal(ApplyOutcome.Stale, Apply(remote, Delta(9, "{\"uplink.normalPeriodS\":900}")));
        Assert.Equal(ApplyOutcome.Stale, Apply(remote, Delta(8, "{\"uplink.normalPeriodS\":900}")));

        Assert.Equal(600_000, remote.Result.Config!.Uplink.NormalPeriodMs);
    }

    [Fact]
    public void ADeltaWithoutCfg_ChangesNothing()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        byte[] other = "{\"version\":4,\"state\":{\"led\":\"on\"},\"metadata\":{\"led\":{\"timestamp\":1}}}"u8.ToArray();

        Assert.Equal(ApplyOutcome.NoConfig, Apply(remote, other));

        Assert.Empty(flash.Paths);
        Assert.Equal(0, remote.AppliedVersion);
    }

    [Fact]
    public void LaterDeltas_AddToTheOverrides_AndReplaceTheirOwnKeys()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(1, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(2, "{\"report.moving.minPeriodS\":10}")));
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(3, "{\"uplink.normalPeriodS\":120}")));

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal(120_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(10, rebooted.Result.Config!.Report.MovingMinPeriodS);
        Assert.Equal(2, rebooted.Running.Count);
        Assert.True(flash.Paths.Length <= 2, string.Join(", ", flash.Paths));
    }

    [Fact]
    public void TextValues_RoundTripThroughFlash_WithQuotesAndNonAscii()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();

        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(1, "{\"wifi.ssid\":\"Caf\u00e9 #2 \\\"depot\\\" \\\\ \",\"cell.user\":\"\"}")));

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal("Caf\u00e9 #2 \"depot\" \\ ", rebooted.Result.Config!.WifiSsid);
        Assert.Equal(string.Empty, rebooted.Result.Config!.ApnUser);
        Assert.True(rebooted.ConfirmTrial());
        using JsonDocument reported = JsonDocument.Parse(ShadowReport.Build(rebooted));
        Assert.Equal("Caf\u00e9 #2 \"depot\" \\ ", Cfg(reported.RootElement.GetProperty("state").GetProperty("reported"), "wifi.ssid").GetString());
    }

    [Fact]
    public void ABrokenTrackerConf_RefusesEveryDelta_WithItsOwnError()
    {
        var flash = new FaultyFlash();
        RemoteConfig remote = RemoteConfig.Open(flash, Dir, "car.id = car-42\n");

        Assert.False(remote.Result.IsOk);
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, Delta(1, "{\"uplink.normalPeriodS\":600}")));
        Assert.StartsWith("tracker.conf: ", remote.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(flash.Paths);
    }

    [Fact]
    public void AGenerationThatNoLongerBuildsWithTrackerConf_IsSkippedForTheOneBefore()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(1, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(2, "{\"uplink.livePeriodS\":500}")));

        // Re-provisioned with a shorter normal period: live 500 s > normal 300 s breaks a rule between keys.
        string reprovisioned = BaseConf.Replace("uplink.normalPeriodS = 300\n", string.Empty, StringComparison.Ordinal);
        string stricter = reprovisioned;
        var flashCopy = flash;
        RemoteConfig rebooted = RemoteConfig.Open(flashCopy, Dir, stricter);
        Assert.True(rebooted.Result.IsOk, rebooted.Result.Message);
        Assert.Equal(2, rebooted.AppliedVersion); // the override of normalPeriodS still holds: 500 <= 600
        Assert.Equal(0, rebooted.SkippedGenerations);

        flash.SetBytes("cfg/cfg.00000002", [.. flash.GetBytes("cfg/cfg.00000002")[..^3], (byte)'x', (byte)'x', (byte)'\n']);
        RemoteConfig torn = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal(1, torn.SkippedGenerations);
        Assert.Equal(1, torn.AppliedVersion);
        Assert.Equal(600_000, torn.Result.Config!.Uplink.NormalPeriodMs);
    }

    [Fact]
    public void MalformedDeltas_AreRefused_NeverThrow_AndChangeNothing()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, Delta(3, "{\"uplink.normalPeriodS\":600}")));
        byte[] good = Delta(4, "{\"uplink.normalPeriodS\":900,\"cell.rat\":\"both\",\"uplink.liveWhenMoving\":false}");
        var random = new Random(18);
        int applied = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes = (i % 3) switch
            {
                0 => good[..random.Next(good.Length)], // truncated
                1 => RandomBytes(random),
                _ => Mutate(good, random),
            };

            ApplyOutcome outcome = remote.Apply(bytes, 0, bytes.Length);
            if (outcome == ApplyOutcome.Applied)
            {
                // A mutation that is still a valid delta is a valid delta: it must have gone through the loader.
                applied++;
                Assert.True(OverrideMerge.Build(BaseConf, remote.Staged).IsOk);
                continue;
            }

            // RefusedAgain: the same problem as the refusal standing, not answered twice (RefusalLoopTests).
            Assert.Contains(outcome, new[] { ApplyOutcome.Malformed, ApplyOutcome.Refused, ApplyOutcome.RefusedAgain, ApplyOutcome.Stale, ApplyOutcome.NoConfig });
        }

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(rebooted.Result.IsOk);
        Assert.Equal(remote.AppliedVersion, rebooted.AppliedVersion);
        Assert.True(applied < 3000);
    }

    [Fact]
    public void TheReportedDocument_StaysWithinTheModemLimit_WithTheLongestMessages()
    {
        (RemoteConfig remote, _) = Fresh();
        string longText = new('a', 200);
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, Delta(2, $"{{\"cell.apn\":\"{longText}\"}}")));
        byte[] report = ShadowReport.Build(remote);

        Assert.True(report.Length <= ShadowLimits.MaxMessageBytes, report.Length.ToString());
        using JsonDocument parsed = JsonDocument.Parse(report);
        Assert.Equal("OutOfRange", parsed.RootElement.GetProperty("state").GetProperty("reported").GetProperty("cfgErr").GetProperty("code").GetString());
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 80)];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static byte[] Mutate(byte[] good, Random random)
    {
        byte[] bytes = (byte[])good.Clone();
        int edits = random.Next(1, 4);
        const string alphabet = "{}[]:,\"\\0123456789-.etrufalsn ";
        for (int e = 0; e < edits; e++)
        {
            bytes[random.Next(bytes.Length)] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)alphabet[random.Next(alphabet.Length)];
        }

        return bytes;
    }
}
