using System.Text;
using Tracker.Core.Config;
using Tracker.Core.Control;
using Tracker.Core.Reporting;
using Tracker.Core.Tests.Storage;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The shadow stays within what the SIM7080G's AT MQTT path carries: 1,024 bytes
/// (Control/README.md §1, "Trimming"). A delta of exactly the limit is read; one byte more is
/// refused; and the worst-case computation the cloud uses is the size of the delta IoT Core sends.
/// </summary>
public class ShadowBudgetTests(ITestOutputHelper output)
{
    private static string[] LiveKeys() =>
    [
        .. Enumerable.Range(0, ReportSetting.Count).Select(i => ReportSetting.At(i).Key),
        .. Enumerable.Range(0, TrackerSetting.Count).Select(TrackerSetting.At).Where(s => s.Key.StartsWith("uplink.", StringComparison.Ordinal)).Select(s => s.Key),
    ];

    [Fact]
    public void ADeltaOfExactlyTheLimit_IsRead_AndOneByteMore_IsRefused()
    {
        // A valid delta, padded with a clientToken to exactly 1,024 bytes.
        string Make(int tokenLength) =>
            "{\"version\":12,\"timestamp\":1733500000,\"state\":{\"cfg\":{\"upP\":600}},\"metadata\":{\"cfg\":{\"upP\":{\"timestamp\":1733500000}}},\"clientToken\":\"" + new string('t', tokenLength) + "\"}";
        int baseLength = Encoding.UTF8.GetByteCount(Make(0));
        byte[] exact = Encoding.UTF8.GetBytes(Make(ShadowLimits.MaxMessageBytes - baseLength));
        byte[] over = Encoding.UTF8.GetBytes(Make(ShadowLimits.MaxMessageBytes - baseLength + 1));
        Assert.Equal(1024, exact.Length);

        Assert.True(ShadowDelta.TryParse(exact, 0, exact.Length, out ShadowDelta? delta, out string problem), problem);
        Assert.Equal(12, delta!.Version);
        Assert.False(ShadowDelta.TryParse(over, 0, over.Length, out _, out problem));
        Assert.Contains("1025 bytes", problem, StringComparison.Ordinal);

        RemoteConfig remote = RemoteConfig.Open(new FaultyFlash(), RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        Assert.Equal(ApplyOutcome.Malformed, remote.Apply(over, 0, over.Length));
        Assert.Equal(ApplyOutcome.Applied, remote.Apply(exact, 0, exact.Length));
    }

    [Fact]
    public void TheWorstCaseDelta_IsADeltaTheCarReads_AndItsLengthIsTheBudget()
    {
        string[] keys = ["uplink.normalPeriodS", "report.moving.minPeriodS", "cell.rat"];
        string[] values = ["86400", "3600", "\"nbiot\""];
        string delta = ShadowBudget.WorstCaseDelta(keys, values);
        byte[] bytes = Encoding.UTF8.GetBytes(delta);

        Assert.Equal(bytes.Length, ShadowBudget.WorstCaseDeltaBytes(keys, values));
        Assert.True(ShadowDelta.TryParse(bytes, 0, bytes.Length, out ShadowDelta? parsed, out string problem), problem);
        Assert.Equal(keys, Enumerable.Range(0, parsed!.Count).Select(parsed.KeyAt));
    }

    [Fact]
    public void TheWholeReportPolicy_AtItsLongestValues_FitsInOneDelta_ByItsShadowNames()
    {
        // The operator's common case: the report policy changed at once (12 keys). By the full
        // tracker.conf names it would not fit; the short names are what make it fit.
        string[] keys = LiveKeys().Where(k => k.StartsWith("report.", StringComparison.Ordinal)).ToArray();
        string[] values = keys.Select(k => ReportSetting.At(ReportSetting.IndexOf(k)).Max.ToString()).ToArray();

        int full = ShadowBudget.WorstCaseDeltaBytes(keys, values);
        int shortNames = ShadowBudget.WorstCaseDeltaBytes(keys.Select(ShadowNames.NameOf).ToArray(), values);
        output.WriteLine($"{keys.Length} report keys at their longest values: worst-case delta {shortNames} bytes by shadow names, {full} by full names, of {ShadowLimits.MaxMessageBytes}");

        Assert.True(shortNames <= ShadowLimits.MaxMessageBytes, shortNames.ToString());
        Assert.True(full > ShadowLimits.MaxMessageBytes, full.ToString());
    }

    [Fact]
    public void AllLiveKeysAtOnce_AreOverTheBudget_SoTheCloudMustRefuseSuchADesiredDocument()
    {
        // IoT Core's per-key metadata costs about 35 bytes a key: 23 live keys cannot all change in
        // one delta. The cloud checks every desired document with ShadowBudget and refuses this one.
        string[] keys = LiveKeys();
        string[] values = keys.Select(k => ReportSetting.IndexOf(k) >= 0
            ? ReportSetting.At(ReportSetting.IndexOf(k)).Max.ToString()
            : RemoteKeys.ValueTypeOf(k) == RemoteValueType.Boolean ? "false" : TrackerSetting.At(TrackerSetting.IndexOf(k)).Max.ToString()).ToArray();

        int bytes = ShadowBudget.WorstCaseDeltaBytes(keys.Select(ShadowNames.NameOf).ToArray(), values);
        output.WriteLine($"{keys.Length} live keys at their longest values: worst-case delta {bytes} bytes by shadow names, of {ShadowLimits.MaxMessageBytes}");

        Assert.True(bytes > ShadowLimits.MaxMessageBytes, bytes.ToString());
        byte[] delta = Encoding.UTF8.GetBytes(ShadowBudget.WorstCaseDelta(keys.Select(ShadowNames.NameOf).ToArray(), values));
        Assert.False(ShadowDelta.TryParse(delta, 0, delta.Length, out _, out _));
    }

    [Fact]
    public void EveryRemoteKey_Has_ExactlyOneClass_AndIdentityKeysAreProvisioningOnly()
    {
        string[] all = [.. Enumerable.Range(0, TrackerSetting.Count).Select(i => TrackerSetting.At(i).Key), .. Enumerable.Range(0, ReportSetting.Count).Select(i => ReportSetting.At(i).Key)];
        foreach (string key in all)
        {
            RemoteClass kind = RemoteKeys.ClassOf(key);
            Assert.NotEqual(RemoteClass.Unknown, kind);
            Assert.True((kind == RemoteClass.ProvisioningOnly) == (ShadowNames.NameOf(key).Length == 0), $"{key}: {kind}, shadow name '{ShadowNames.NameOf(key)}'");
        }

        string[] names = Enumerable.Range(0, ShadowNames.Count).Select(ShadowNames.NameAt).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.InRange(n.Length, 3, 8));
        Assert.All(Enumerable.Range(0, ShadowNames.Count), i => Assert.Contains(ShadowNames.KeyAt(i), all));

        foreach (string key in new[] { "car.id", "mqtt.endpoint", "tls.caFile", "tls.certFile", "tls.keyFile", "cell.password", "cell.simPin", "wifi.password" })
        {
            Assert.Equal(RemoteClass.ProvisioningOnly, RemoteKeys.ClassOf(key));
        }

        Assert.Equal(RemoteClass.Live, RemoteKeys.ClassOf("report.moving.minPeriodS"));
        Assert.Equal(RemoteClass.Live, RemoteKeys.ClassOf("uplink.normalPeriodS"));
        Assert.Equal(RemoteClass.Restart, RemoteKeys.ClassOf("hw.led.pin"));
        Assert.Equal(RemoteClass.Unknown, RemoteKeys.ClassOf("report.nope"));
        Assert.Equal(RemoteValueType.Boolean, RemoteKeys.ValueTypeOf("uplink.liveWhenMoving"));
        Assert.Equal(RemoteValueType.String, RemoteKeys.ValueTypeOf("cell.rat"));
        Assert.Equal(RemoteValueType.Number, RemoteKeys.ValueTypeOf("report.moving.minPeriodS"));
    }
}
