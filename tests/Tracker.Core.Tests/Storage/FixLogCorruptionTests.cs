using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Xunit.Sdk;
using static Tracker.Core.Tests.Storage.LogTestKit;

namespace Tracker.Core.Tests.Storage;

/// <summary>
/// Bad bytes on flash (bit rot, a foreign file, a newer format, truncation): reopening never throws,
/// yields only fixes that were appended, bit-exact and once, counts what it skipped, and keeps the
/// good records around the damage.
/// </summary>
public sealed class FixLogCorruptionTests
{
    private const int Count = 600;
    private const int KeyframeInterval = 16;

    private static FixLogOptions Options => Small(segmentBytes: 1000, keyframeInterval: KeyframeInterval, maxRanges: 16);

    [Fact]
    public void GarbageBytes_AnywhereInASegment_NeverThrow_AndCostOnlyTheFixesAroundThem()
    {
        for (int seed = 1; seed <= 400; seed++)
        {
            var random = new Random(seed);
            (FaultyFlash fs, Fix[] fixes, HashSet<long> committed) = Build(random, withCommits: seed % 2 == 0);
            string path = fs.Paths[random.Next(fs.Paths.Length)];
            byte[] bytes = fs.GetBytes(path);
            int offset = random.Next(bytes.Length);
            int length = Math.Min(1 + random.Next(8), bytes.Length - offset);
            for (int i = 0; i < length; i++)
            {
                bytes[offset + i] ^= (byte)(1 + random.Next(255));
            }

            fs.SetBytes(path, bytes);
            int bound = offset < 24 ? 1000 / 5 : (2 * KeyframeInterval) + length + 1;
            Verify(seed, fs, fixes, committed, bound);
        }
    }

    [Fact]
    public void TruncatedSegment_NeverThrows_AndCostsOnlyItsTail()
    {
        for (int seed = 1; seed <= 200; seed++)
        {
            var random = new Random(seed);
            (FaultyFlash fs, Fix[] fixes, HashSet<long> committed) = Build(random, withCommits: seed % 2 == 0);
            string path = fs.Paths[random.Next(fs.Paths.Length)];
            byte[] bytes = fs.GetBytes(path);
            fs.SetBytes(path, bytes[..random.Next(bytes.Length)]);
            Verify(seed, fs, fixes, committed, bound: 1000 / 5);
        }
    }

    [Fact]
    public void ForeignFiles_NewerVersions_AndBadHeaders_AreSkippedAndCounted_AllRecordsKept()
    {
        var random = new Random(5);
        (FaultyFlash fs, Fix[] fixes, _) = Build(random, withCommits: false);
        fs.SetBytes(Dir + "/notes.txt", Encoding.UTF8.GetBytes("not a segment"));
        fs.SetBytes(Dir + "/0000fffe.fxl", [.. "FXLG"u8, 2, 0, 0, 0, 0xFE, 0xFF, 0, 0, 9, 9, 9]);
        byte[] junk = new byte[300];
        random.NextBytes(junk);
        fs.SetBytes(Dir + "/0000ffff.fxl", junk);
        byte[] copy = fs.GetBytes(fs.Paths.First(p => p.EndsWith("00000002.fxl", StringComparison.Ordinal)));
        fs.SetBytes(Dir + "/00001000.fxl", copy); // a segment under another name: its header disagrees

        var log = FixLog.Open(fs, Dir, Options);
        Assert.Equal(4, log.SkippedFiles);
        Assert.Equal(Count, log.PendingCount);
        List<Fix> read = Drain(log, commit: false, max: Count);
        Assert.True(Same(fixes[^1], read[0]));
        AssertSameSequence(fixes.Take(Count - 1).ToArray(), read.Skip(1).ToArray());

        // It keeps working, numbering new segments above every name it saw.
        log.Rewind();
        AppendAll(log, MakeFixes(200, fixes[^1].TimeMs + 1000));
        Assert.Equal(Count + 200, Drain(log, commit: true, max: Count).Count);
        Assert.Contains(fs.Paths, p => p.EndsWith(".fxl", StringComparison.Ordinal) && Convert.ToInt32(p[^12..^4], 16) > 0xffff);
        Assert.Contains(Dir + "/00001000.fxl", fs.Paths);
        Assert.Contains(Dir + "/0000ffff.fxl", fs.Paths);
        Assert.Contains(Dir + "/notes.txt", fs.Paths);
        Assert.Contains(Dir + "/0000fffe.fxl", fs.Paths);
    }

    [Fact]
    public void DirectoryOfGarbage_OpensEmpty_AndWorks()
    {
        var fs = new FaultyFlash();
        var random = new Random(3);
        for (int i = 0; i < 10; i++)
        {
            byte[] junk = new byte[random.Next(2000)];
            random.NextBytes(junk);
            fs.SetBytes($"{Dir}/{i:x8}.fxl", junk);
        }

        fs.SetBytes($"{Dir}/0000000a.tmp", [1, 2, 3]);
        var log = FixLog.Open(fs, Dir, Options);
        Assert.Equal(0, log.PendingCount);
        Assert.Equal(10, log.SkippedFiles);
        Assert.DoesNotContain($"{Dir}/0000000a.tmp", fs.Paths);
        Fix[] fixes = MakeFixes(50);
        AppendAll(log, fixes);
        List<Fix> read = Drain(FixLog.Open(fs, Dir, Options), commit: false, max: 50);
        Assert.Equal(50, read.Count);
    }

    // Appends Count fixes in ~1 KB segments, optionally committing some batches along the way.
    private static (FaultyFlash Fs, Fix[] Fixes, HashSet<long> Committed) Build(Random random, bool withCommits)
    {
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Options);
        Fix[] fixes = SyntheticRoute.Generate(Count, random.Next());
        var committed = new HashSet<long>();
        var output = new Fix[8];
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
            if (withCommits && random.Next(10) == 0)
            {
                var batch = new LogBatch();
                int n = log.TakeBatch(output, 8, batch);
                Assert.Equal(FixLogResult.Ok, log.Commit(batch));
                committed.UnionWith(output.Take(n).Select(f => f.TimeMs));
            }
        }

        return (fs, fixes, committed);
    }

    private static void Verify(int seed, FaultyFlash fs, Fix[] fixes, HashSet<long> committed, int bound)
    {
        try
        {
            var byTime = fixes.ToDictionary(f => f.TimeMs);
            var log = FixLog.Open(fs, Dir, Options);
            List<Fix> read = Drain(log, commit: false, max: Count);
            var seen = new HashSet<long>();
            foreach (Fix f in read)
            {
                Assert.True(byTime.TryGetValue(f.TimeMs, out Fix expected) && Same(expected, f), $"unknown or altered fix {Show(f)}");
                Assert.True(seen.Add(f.TimeMs), $"offered twice: {f.TimeMs}");
            }

            int lost = fixes.Count(f => !committed.Contains(f.TimeMs) && !seen.Contains(f.TimeMs));
            Assert.True(lost <= bound, $"{lost} uncommitted fixes lost (bound {bound}); corrupt counted {log.CorruptRecords}");

            // Still usable: new fixes go in and come back.
            log.Rewind();
            Fix more = MakeFix(fixes[^1].TimeMs + 1000, 7);
            Assert.Equal(FixLogResult.Ok, log.Append(ref more));
            List<Fix> after = Drain(FixLog.Open(fs, Dir, Options), commit: false, max: Count);
            Assert.True(after.Count(f => Same(more, f)) == 1, "the fix appended after the damage is not offered once");
        }
        catch (XunitException e)
        {
            throw new XunitException($"seed={seed}: {e.Message}");
        }
    }
}
