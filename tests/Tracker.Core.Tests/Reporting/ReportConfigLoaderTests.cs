using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Reporting;

namespace Tracker.Core.Tests.Reporting;

public class ReportConfigLoaderTests
{
    private static ReportConfigResult Load(string text) => ReportConfigLoader.Load(text);

    private static IEnumerable<ReportSetting> Settings => Enumerable.Range(0, ReportSetting.Count).Select(ReportSetting.At);

    // ---- declarations ----

    [Fact]
    public void Settings_AreDeclaredOnceWithUniqueKeysAndIndexes()
    {
        Assert.Equal(ReportSetting.Count, Settings.Select(s => s.Key).Distinct().Count());
        Assert.All(Settings.Select((s, i) => (s, i)), p => Assert.Equal(p.i, p.s.Index));
        Assert.All(Settings, s => Assert.StartsWith("report.", s.Key));
        Assert.All(Settings, s => Assert.Equal(s.Index, ReportSetting.IndexOf(s.Key)));
    }

    [Fact]
    public void Defaults_AreInRangeAndValidate()
    {
        Assert.All(Settings, s => Assert.InRange(s.Default, s.Min, s.Max));
        ReportConfigResult r = ReportConfig.Create(ReportConfig.Defaults());
        Assert.True(r.IsOk, r.Message);
        Assert.All(Settings, s => Assert.Equal(s.Default, ReportConfig.Default.Get(s)));
    }

    [Fact]
    public void Readme_TableListsEveryKeyWithItsDefault()
    {
        string readme = File.ReadAllText(Path.Combine(SourceDir(), "../../../firmware/Tracker.Core/Reporting/README.md"));
        Assert.All(Settings, s => Assert.Contains($"| `{s.Key}` | {s.Default} |", readme, StringComparison.Ordinal));
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    // ---- good files ----

    [Fact]
    public void EmptyFile_GivesTheDefaults()
    {
        ReportConfigResult r = Load("");
        Assert.True(r.IsOk);
        Assert.All(Settings, s => Assert.Equal(s.Default, r.Config!.Get(s)));
    }

    [Fact]
    public void FullFile_SetsEveryKey()
    {
        string text = string.Join("\n", Settings.Select(s => $"{s.Key}={(s == ReportSetting.MovingThresholdKmh ? 3 : s.Min + 1)}"));
        ReportConfigResult r = Load(text);
        Assert.True(r.IsOk, r.Message);
        Assert.Equal(2, r.Config!.MovingMinPeriodS);
        Assert.Equal(2, r.Config.StoppedThresholdKmh);
        Assert.Equal(3, r.Config.MovingThresholdKmh);
        Assert.Equal(1, r.Config.StopDelayS);
    }

    [Fact]
    public void CommentsBlankLinesCrlfBomAndSpaces_AreAccepted()
    {
        string text = "\uFEFF# report policy for car 42\r\n\r\n  report.moving.minPeriodS\t=  7  # seconds\r\n\t\n#report.moving.maxPeriodS=1\nreport.stopped.heartbeatS=+600";
        ReportConfigResult r = Load(text);
        Assert.True(r.IsOk, r.Message);
        Assert.Equal(7, r.Config!.MovingMinPeriodS);
        Assert.Equal(600, r.Config.StoppedHeartbeatS);
        Assert.Equal(ReportSetting.MovingMaxPeriodS.Default, r.Config.MovingMaxPeriodS);
    }

    [Fact]
    public void With_ChangesOneKeyAndLeavesTheOriginal()
    {
        ReportConfigResult r = ReportConfig.Default.With(ReportSetting.MovingMinDistanceM, 500);
        Assert.Equal(500, r.Config!.MovingMinDistanceM);
        Assert.Equal(250, ReportConfig.Default.MovingMinDistanceM);
    }

    // ---- errors: each names the key and the line ----

    [Fact]
    public void MissingEquals_IsAnErrorNamingTheLine()
    {
        ReportConfigResult r = Load("# x\nreport.moving.minPeriodS 5\n");
        Assert.Equal((ReportConfigError.MissingEquals, 2), (r.Error, r.Line));
        Assert.Equal("line 2: 'report.moving.minPeriodS 5' has no '=': expected key = value", r.Message);
        Assert.Null(r.Config);
    }

    [Fact]
    public void EmptyKey_IsAnError()
    {
        ReportConfigResult r = Load(" = 5");
        Assert.Equal((ReportConfigError.EmptyKey, 1), (r.Error, r.Line));
    }

    [Fact]
    public void UnknownKey_IsAnErrorNamingTheKey()
    {
        ReportConfigResult r = Load("report.moving.minPeriodS=5\nreport.moving.minPeriod=5");
        Assert.Equal((ReportConfigError.UnknownKey, 2, "report.moving.minPeriod"), (r.Error, r.Line, r.Key));
        Assert.Equal("line 2: unknown key 'report.moving.minPeriod'", r.Message);
    }

    [Fact]
    public void KeysAreCaseSensitive()
    {
        Assert.Equal(ReportConfigError.UnknownKey, Load("REPORT.moving.minPeriodS=5").Error);
    }

    [Fact]
    public void DuplicateKey_IsAnErrorNamingBothLines()
    {
        ReportConfigResult r = Load("report.moving.minPeriodS=5\n\nreport.moving.minPeriodS=5");
        Assert.Equal((ReportConfigError.DuplicateKey, 3, "report.moving.minPeriodS"), (r.Error, r.Line, r.Key));
        Assert.Equal("line 3: report.moving.minPeriodS is set twice (first on line 1)", r.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("five")]
    [InlineData("5.5")]
    [InlineData("5s")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("1 000")]
    [InlineData("-")]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999")]
    public void BadNumber_IsAnErrorNamingTheKey(string value)
    {
        ReportConfigResult r = Load($"report.moving.minDistanceM={value}");
        Assert.Equal((ReportConfigError.BadNumber, 1, "report.moving.minDistanceM"), (r.Error, r.Line, r.Key));
        Assert.StartsWith("line 1: report.moving.minDistanceM = '", r.Message);
        Assert.EndsWith("' is not a whole number", r.Message);
    }

    [Theory]
    [InlineData("report.moving.minPeriodS", "0")]
    [InlineData("report.moving.minPeriodS", "-5")]
    [InlineData("report.moving.headingDeg", "181")]
    [InlineData("report.stopped.staticRadiusM", "0")]
    [InlineData("report.movingThresholdKmh", "2147483647")]
    public void OutOfRange_IsAnErrorNamingTheKeyAndTheRange(string key, string value)
    {
        ReportConfigResult r = Load($"# header\n{key}={value}");
        ReportSetting s = ReportSetting.At(ReportSetting.IndexOf(key));
        Assert.Equal((ReportConfigError.OutOfRange, 2, key), (r.Error, r.Line, r.Key));
        Assert.Equal($"line 2: {key} = {value} is out of range: allowed {s.Min}..{s.Max} {s.Unit}", r.Message);
    }

    [Fact]
    public void MaxPeriodBelowMinPeriod_IsInconsistent()
    {
        ReportConfigResult r = Load("report.moving.minPeriodS=10\nreport.moving.maxPeriodS=5");
        Assert.Equal((ReportConfigError.Inconsistent, 2, "report.moving.maxPeriodS"), (r.Error, r.Line, r.Key));
        Assert.Equal("line 2: report.moving.maxPeriodS (5) must be at least report.moving.minPeriodS (10)", r.Message);
    }

    [Fact]
    public void Inconsistency_BlamesTheKeyWrittenInTheFile()
    {
        // Only minPeriodS is in the file: it is the line to fix, although the rule is about maxPeriodS.
        ReportConfigResult r = Load("report.moving.minPeriodS=61");
        Assert.Equal((ReportConfigError.Inconsistent, 1, "report.moving.minPeriodS"), (r.Error, r.Line, r.Key));
    }

    [Fact]
    public void HeartbeatBelowMinPeriod_IsInconsistent()
    {
        ReportConfigResult r = Load("report.moving.minPeriodS=30\nreport.moving.maxPeriodS=60\nreport.stopped.heartbeatS=20");
        Assert.Equal((ReportConfigError.Inconsistent, 3, "report.stopped.heartbeatS"), (r.Error, r.Line, r.Key));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(5, 9)]
    public void StoppedThresholdNotBelowMovingThreshold_IsInconsistent(int moving, int stopped)
    {
        ReportConfigResult r = Load($"report.movingThresholdKmh={moving}\nreport.stoppedThresholdKmh={stopped}");
        Assert.Equal((ReportConfigError.Inconsistent, 2, "report.stoppedThresholdKmh"), (r.Error, r.Line, r.Key));
        Assert.Contains("must be below report.movingThresholdKmh", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OutOfRange_IsAnErrorWithoutALine()
    {
        int[] values = ReportConfig.Defaults();
        values[ReportSetting.StopDelayS.Index] = -1;
        ReportConfigResult r = ReportConfig.Create(values);
        Assert.Equal((ReportConfigError.OutOfRange, 0, "report.stopDelayS"), (r.Error, r.Line, r.Key));
        Assert.StartsWith("report.stopDelayS = -1", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstErrorWins()
    {
        Assert.Equal(1, Load("nonsense\nreport.x=1").Line);
    }

    [Fact]
    public void LongGarbageLine_IsQuotedShort()
    {
        ReportConfigResult r = Load(new string('x', 5000));
        Assert.Equal(ReportConfigError.MissingEquals, r.Error);
        Assert.True(r.Message.Length < 120, r.Message);
    }

    // ---- integer parser ----

    [Theory]
    [InlineData("0", 0)]
    [InlineData("+5", 5)]
    [InlineData("-0", 0)]
    [InlineData("007", 7)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-2147483648", int.MinValue)]
    public void TryParseInt_AcceptsWholeNumbers(string text, int expected)
    {
        Assert.True(ReportConfigLoader.TryParseInt(text, out int v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("--1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("-2147483649")]
    [InlineData("\u0663")]
    public void TryParseInt_RejectsAnythingElse(string text)
    {
        Assert.False(ReportConfigLoader.TryParseInt(text, out int v));
        Assert.Equal(0, v);
    }

    [Property(MaxTest = 500)]
    public bool TryParseInt_AgreesWithInt32Parse(int n) =>
        ReportConfigLoader.TryParseInt(n.ToString(System.Globalization.CultureInfo.InvariantCulture), out int v) && v == n;

    // ---- never throws ----

    [Property(MaxTest = 1000)]
    public bool RandomText_NeverThrowsAndGivesAConsistentResult(string? text)
    {
        ReportConfigResult r = Load(text ?? "");
        return Consistent(r, text ?? "");
    }

    [Property(MaxTest = 1000)]
    public Property PlausibleLines_NeverThrowAndNameTheirLine()
    {
        Gen<string> keys = Gen.Frequency(
            (6, Gen.Elements(Settings.Select(s => s.Key).ToArray())),
            (1, Gen.Elements("report.x", "", " ", "report.moving.minPeriodS ", "#", "REPORT.movingThresholdKmh")));
        Gen<string> values = Gen.Frequency(
            (6, Gen.Choose(-10, 100000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.Elements("", "x", "1.5", "99999999999", "+", "-0", " 7 ", "5#c")));
        Gen<string> lines = Gen.Frequency(
            (8, from k in keys from v in values select k + "=" + v),
            (1, Gen.Elements("", "# comment", "   ", "novalue", "=", "a=b=c", "\r")));
        Gen<string> files = from separator in Gen.Elements("\n", "\r\n") from a in Gen.ArrayOf(lines) select string.Join(separator, a);
        return Prop.ForAll(files.ToArbitrary(), text => Consistent(Load(text), text));
    }

    private static bool Consistent(ReportConfigResult r, string text)
    {
        int lineCount = text.Split('\n').Length;
        return r.IsOk
            ? r.Config is not null && r.Line == 0 && r.Message.Length == 0
            : r.Config is null && r.Line >= 0 && r.Line <= lineCount && r.Message.Contains(r.Key, StringComparison.Ordinal)
              && (r.Line == 0 || r.Message.StartsWith($"line {r.Line}: ", StringComparison.Ordinal));
    }
}
