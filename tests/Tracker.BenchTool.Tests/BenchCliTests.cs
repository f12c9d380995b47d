using System.Text;
using System.Text.Json;

namespace Tracker.BenchTool.Tests;

public class BenchCliTests
{
    private const string Drive = "drives/garmin-drive-2005.nmea";

    private static readonly string Epochs =
        Line("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W") +
        Line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,") +
        Line("GPRMC,123520,A,4807.039,N,01131.001,E,,,230394,003.1,W") +
        Line("GPGGA,123521,4807.040,N,01131.002,E,1,08,,,M,46.9,M,,");

    private static string Line(string body) => $"${body}*{body.Aggregate(0, (s, c) => s ^ c):X2}\r\n";

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = BenchCli.Run(args, o, e, new StringReader(stdin));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Fixes_PrintsExactlyTheDocumentedFields_AndOmitsUnknownAltitude()
    {
        var (code, output, _) = Run(Epochs, "fixes", "-");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);

        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(["time", "lat", "lon", "alt", "speed", "track", "mode", "hdop", "sats"], first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1994-03-23T12:35:19.000Z", first.RootElement.GetProperty("time").GetString());
        Assert.Equal(48.1173, first.RootElement.GetProperty("lat").GetDouble());
        Assert.Equal("11.524", first.RootElement.GetProperty("speed").GetRawText()); // 22.4 kn, to the mm/s
        Assert.Equal(84.4, first.RootElement.GetProperty("track").GetDouble());

        using var third = JsonDocument.Parse(lines[2]);
        Assert.False(third.RootElement.TryGetProperty("alt", out _));
        Assert.Equal(JsonValueKind.Null, third.RootElement.GetProperty("speed").ValueKind);
        Assert.Equal(JsonValueKind.Null, third.RootElement.GetProperty("hdop").ValueKind);
        Assert.Equal(2, third.RootElement.GetProperty("mode").GetInt32());
    }

    [Fact]
    public void Fixes_ReadsTheLastSentence_OfAFileWithoutAFinalLineEnding()
    {
        // The last GGA alone dates nothing: it is the 12:35:21 epoch's only sentence, dated from the
        // RMC before it; without the end-of-file read it would never be seen.
        string text = Epochs + Line("GPGGA,123522,4807.041,N,01131.003,E,1,08,0.9,545.4,M,46.9,M,,").TrimEnd('\r', '\n');

        var (code, output, _) = Run(text, "fixes", "-");

        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        using var last = JsonDocument.Parse(lines[3]);
        Assert.Equal("1994-03-23T12:35:22.000Z", last.RootElement.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData(new string[] { "fixes" }, "expected 1 argument")]
    [InlineData(new string[] { "fixes", "a", "b" }, "expected 1 argument")]
    [InlineData(new string[] { "fixes", "-", "--bogus" }, "unknown option --bogus")]
    [InlineData(new string[] { "fixes", "-", "--policy" }, "--policy needs a value")]
    [InlineData(new string[] { "encode", "-", "--batch", "0" }, "--batch must be a whole number from 1")]
    [InlineData(new string[] { "encode", "-", "--batch", "ten" }, "--batch must be a whole number")]
    [InlineData(new string[] { "fixes", "/no/such/file.nmea" }, "no such file")]
    [InlineData(new string[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new string[] { "stats", "-", "--json", "--json" }, "given twice")]
    public void BadCommandLines_ExitWithCode2_AndSayWhatIsWrong(string[] args, string message)
    {
        var (code, output, error) = Run(Epochs, args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadPolicyFile_NamesTheKeyAndLine()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# policy\nreport.moving.minPeriodS=-3\n");
            var (code, _, error) = Run(Epochs, "report", "-", "--policy", path);
            Assert.Equal(2, code);
            Assert.Contains("report.moving.minPeriodS", error, StringComparison.Ordinal);
            Assert.Contains("2", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EncodeThenDecode_GivesBackTheFixesOutput()
    {
        var (_, hex, _) = Run(Epochs, "encode", "-", "--batch", "2");
        Assert.Equal(2, hex.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (code, decoded, _) = Run(hex, "decode", "-");
        Assert.Equal(0, code);
        Assert.Equal(Run(Epochs, "fixes", "-").Out, decoded);
    }

    [Fact]
    public void Decode_ReportsABadLineWithItsReason_AndKeepsTheLinesAroundIt()
    {
        string[] batches = Run(Epochs, "encode", "-", "--batch", "1").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string corrupted = batches[1][..^4] + (batches[1][^4..] == "0000" ? "FFFF" : "0000");
        string input = string.Join('\n', batches[0], "not hex!", corrupted, batches[1][..10], batches[2]) + "\n";

        var (code, output, error) = Run(input, "decode", "-");

        Assert.Equal(1, code);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("line 2: not hexadecimal", error, StringComparison.Ordinal);
        Assert.Contains("line 3: rejected:", error, StringComparison.Ordinal);
        Assert.Contains("line 4: rejected:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_CountsSentencesErrorsAndWireBytes()
    {
        string damaged = Epochs + "$GPGGA,garbage*00\r\n" + Line("PGRME,2.3,M,3.3,M,4.0,M");
        var (code, output, _) = Run(damaged, "stats", "-", "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(6, json.RootElement.GetProperty("lines").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("sentences.RMC").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("errors.checksum").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("sentences.proprietary").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("epochs.withFix").GetInt32());
        Assert.True(json.RootElement.GetProperty("wire.bytesPerFix").GetDouble() > 0);
    }

    [SharedDataFact(Drive)]
    public void Drive_FixesEncodeDecodeRoundTrip_AndStaysUnder12BytesPerFix()
    {
        string path = SharedData.File(Drive)!;
        var (_, fixes, _) = Run("", "fixes", path);
        Assert.Equal(4469, fixes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (_, hex, _) = Run("", "encode", path);
        Assert.Equal(fixes, Run(hex, "decode", "-").Out);

        var (_, stats, _) = Run("", "stats", path, "--json");
        using var json = JsonDocument.Parse(stats);
        Assert.True(json.RootElement.GetProperty("wire.bytesPerFix").GetDouble() <= 12);
    }
}
