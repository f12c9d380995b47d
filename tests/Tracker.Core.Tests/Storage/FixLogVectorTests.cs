using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Storage;

/// <summary>
/// The FixLog's on-flash format (version 1) pinned byte for byte: a small segment written out in
/// Storage/README.md ("Test vectors"), and digests of every file a longer workload leaves (keyframes,
/// deltas of every kind, commits, rewinds, late commits, rollover, eviction, collection, a reopen).
/// The digests were taken from the log before it was split into writer, reader, ledger and
/// recovery; a change to the bytes must come with a new format version (Storage/README.md).
/// </summary>
public class FixLogVectorTests(ITestOutputHelper output)
{
    private const string Dir = "I:/fixlog";

    /// <summary>The segment of the README's vector: header and snapshot, a keyframe, two deltas, a commit.</summary>
    public const string SmallSegmentHex =
        "46584C4701000000010000000000000000000000C2A18807830000B59ED8DA810080A0D5EDEE6680F4FDF8029F8AD1F608A8E11084D901D08C01B40118060221C8A6A90A00A819EC04BD8C2F0C54A7E1908010CF8C818010060471D8A3C98201040002BCAB07A3";

    /// <summary>SHA-256 of each file after <see cref="Workload"/>, as the log wrote them before the split.</summary>
    public static readonly string[] WorkloadDigests =
    [
        "00000011.fxl CF80C26D6CD7EAD8CD27045AAE89F057E629F6E12BED47A111999C33D6EAC7F9",
        "00000012.fxl D82E0A51BA238EF57895D2659E30D52B558DF6E56FF74CC1D00FB8084D0C5428",
        "00000013.fxl B472B9E6B86C7877BF1054D5FB0C0FF4AA776ABFF35AAFA9E41D424751F339F6",
        "00000014.fxl 9BA7A8F76A2E40EA629101A57FEA02F176CB3A56FF165F9AA5C840E4C50F0AD0",
    ];

    [Fact]
    public void SmallSegment_IsTheReadmeVector()
    {
        var fs = new FaultyFlash();
        FixLog log = FixLog.Open(fs, Dir, new FixLogOptions(1 << 20, 4096, 128, 32));
        Fix[] fixes = SmallFixes();
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
        }

        var batch = new LogBatch();
        var taken = new Fix[8];
        Assert.Equal(3, log.TakeBatch(taken, 8, batch));
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));

        string hex = Convert.ToHexString(fs.GetBytes(Assert.Single(fs.Paths)));
        output.WriteLine(hex);
        Assert.Equal(SmallSegmentHex, hex);
        Assert.Contains(Wrap(SmallSegmentHex), File.ReadAllText(Path.Combine(SourceDir(), "../../../firmware/Tracker.Core/Storage/README.md")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Workload_WritesTheSameBytes_AsTheLogBeforeItsSplit()
    {
        var fs = new FaultyFlash();
        Workload(fs);
        string[] digests = [.. fs.Paths.Select(p => Path.GetFileName(p) + " " + Convert.ToHexString(SHA256.HashData(fs.GetBytes(p))))];
        foreach (string d in digests)
        {
            output.WriteLine($"        \"{d}\",");
        }

        Assert.Equal(WorkloadDigests, digests);
    }

    /// <summary>The README's three fixes: a keyframe with every field, a delta that changes a few, a delta with unknowns.</summary>
    internal static Fix[] SmallFixes()
    {
        Fix a = Fix.Create(1_767_225_600_000, 395_296_000, -1_198_138_000);
        a.AltCm = 137_300;
        a.SpeedMmps = 13_890;
        a.CourseCdeg = 9_000;
        a.HdopX100 = 90;
        a.Satellites = 12;
        a.Mode = FixMode.ThreeD;
        a.Quality = FixQuality.Autonomous;
        Fix b = a;
        b.TimeMs += 1000;
        b.LonE7 += 1_620;
        b.SpeedMmps = 14_200;
        Fix c = b;
        c.TimeMs += 1000;
        c.LonE7 += 1_620;
        c.AltCm = Fix.Unknown;
        c.CourseCdeg = Fix.Unknown;
        c.Quality = FixQuality.Differential;
        return [a, b, c];
    }

    // Small segments and a small capacity, so that one run rolls over, evicts and collects.
    private static void Workload(FaultyFlash fs)
    {
        var options = new FixLogOptions(4 * 700, 700, 8, 4);
        Fix[] fixes = SyntheticRoute.Generate(900, seed: 14);
        var random = new Random(14);
        var batches = new LogBatch[3];
        var output = new Fix[6];
        for (int b = 0; b < batches.Length; b++)
        {
            batches[b] = new LogBatch();
        }

        FixLog log = FixLog.Open(fs, Dir, options);
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
            if (i % 7 == 0)
            {
                LogBatch batch = batches[random.Next(batches.Length)];
                if (!batch.IsInFlight)
                {
                    log.TakeBatch(output, 1 + random.Next(output.Length), batch);
                }
            }

            if (i % 11 == 0)
            {
                LogBatch batch = batches[random.Next(batches.Length)];
                log.Commit(batch);
            }

            if (i % 97 == 0)
            {
                log.Rewind();
            }

            if (i == 450)
            {
                log = FixLog.Open(fs, Dir, options); // a reboot: the batches in flight are late now
            }
        }

        foreach (LogBatch batch in batches)
        {
            log.Commit(batch);
        }
    }

    private static string Wrap(string hex)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < hex.Length; i += 64)
        {
            sb.Append(hex.AsSpan(i, Math.Min(64, hex.Length - i))).Append('\n');
        }

        return sb.ToString();
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
