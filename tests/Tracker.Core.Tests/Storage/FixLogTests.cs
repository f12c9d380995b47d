using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using static Tracker.Core.Tests.Storage.LogTestKit;

namespace Tracker.Core.Tests.Storage;

public sealed class FixLogTests
{
    [Fact]
    public void TakeBatch_AfterAppends_GivesNewestFirstThenOldestFirst()
    {
        var log = FixLog.Open(new FaultyFlash(), Dir, Small());
        Fix[] fixes = MakeFixes(10);
        AppendAll(log, fixes);

        var output = new Fix[4];
        var batch = new LogBatch();
        Assert.Equal(4, log.TakeBatch(output, 4, batch));

        Assert.True(Same(fixes[9], output[0]));
        Assert.True(Same(fixes[0], output[1]));
        Assert.True(Same(fixes[1], output[2]));
        Assert.True(Same(fixes[2], output[3]));
        Assert.Equal(9, batch.NewestSeq);
        Assert.Equal(0, batch.FromSeq);
        Assert.Equal(3, batch.ToSeq);
    }

    [Fact]
    public void Commit_RemovesRecords_AndSurvivesReopen()
    {
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Small());
        Fix[] fixes = MakeFixes(100);
        AppendAll(log, fixes);

        var output = new Fix[10];
        var batch = new LogBatch();
        log.TakeBatch(output, 10, batch);
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));
        Assert.Equal(90, log.PendingCount);
        Assert.Equal(10, log.Committed);

        var reopened = FixLog.Open(fs, Dir, Small());
        Assert.Equal(90, reopened.PendingCount);
        List<Fix> rest = Drain(reopened, commit: false, max: 100);
        AssertSameSequence(fixes.Skip(9).Take(90).ToArray(), rest);
    }

    [Fact]
    public void UncommittedBatch_IsOfferedAgain_AfterRewind()
    {
        var log = FixLog.Open(new FaultyFlash(), Dir, Small());
        Fix[] fixes = MakeFixes(20);
        AppendAll(log, fixes);
        var output = new Fix[8];
        var lost = new LogBatch();
        log.TakeBatch(output, 8, lost);

        var next = new LogBatch();
        Assert.Equal(8, log.TakeBatch(output, 8, next));
        Assert.True(Same(fixes[7], output[0])); // continues after the batch in flight, no duplicates

        log.Rewind();
        List<Fix> again = Drain(log, commit: true, max: 20);
        Assert.Equal(20, again.Count);
        Assert.True(Same(fixes[19], again[0]));
        AssertSameSequence(fixes.Take(19).ToArray(), again.Skip(1).ToArray());
        Assert.Equal(0, log.PendingCount);
    }

    [Fact]
    public void UncommittedBatch_IsOfferedAgain_AfterReopen()
    {
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Small());
        Fix[] fixes = MakeFixes(30);
        AppendAll(log, fixes);
        var output = new Fix[30];
        log.TakeBatch(output, 30, new LogBatch());

        var reopened = FixLog.Open(fs, Dir, Small());
        List<Fix> again = Drain(reopened, commit: false, max: 30);
        Assert.Equal(30, again.Count);
        Assert.True(Same(fixes[29], again[0]));
    }

    [Fact]
    public void AppendWhileBatchInFlight_NewFixLeadsNextBatch_BacklogContinues()
    {
        var log = FixLog.Open(new FaultyFlash(), Dir, Small());
        Fix[] fixes = MakeFixes(21);
        AppendAll(log, fixes.Take(20).ToArray());
        var output = new Fix[5];
        var first = new LogBatch();
        log.TakeBatch(output, 5, first); // 19, 0..3

        Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[20]));
        var second = new LogBatch();
        log.TakeBatch(output, 5, second);
        Assert.True(Same(fixes[20], output[0]));
        Assert.True(Same(fixes[4], output[1]));
        Assert.True(Same(fixes[7], output[4]));

        // PUBACKs out of order.
        Assert.Equal(FixLogResult.Ok, log.Commit(second));
        Assert.Equal(FixLogResult.Ok, log.Commit(first));
        Assert.Equal(21 - 10, log.PendingCount);
        List<Fix> rest = Drain(log, commit: true);
        AssertSameSequence(fixes.Skip(8).Take(11).ToArray(), rest);
    }

    [Fact]
    public void Commit_Twice_ReturnsNothingToCommit()
    {
        var log = FixLog.Open(new FaultyFlash(), Dir, Small());
        Fix[] fixes = MakeFixes(3);
        AppendAll(log, fixes);
        var batch = new LogBatch();
        log.TakeBatch(new Fix[3], 3, batch);
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));
        Assert.Equal(FixLogResult.NothingToCommit, log.Commit(batch));
        Assert.Equal(FixLogResult.NothingToCommit, log.Commit(new LogBatch()));
    }

    [Fact]
    public void TakeBatch_WithBatchStillInFlight_Throws()
    {
        var log = FixLog.Open(new FaultyFlash(), Dir, Small());
        Fix[] fixes = MakeFixes(3);
        AppendAll(log, fixes);
        var batch = new LogBatch();
        log.TakeBatch(new Fix[3], 1, batch);
        Assert.Throws<InvalidOperationException>(() => log.TakeBatch(new Fix[3], 1, batch));
        log.Rewind();
        Assert.Equal(1, log.TakeBatch(new Fix[3], 1, batch));
    }

    [Fact]
    public void Eviction_DropsOldestSegments_CountsThem_AndCommitOfEvictedBatchStaysCorrect()
    {
        var fs = new FaultyFlash();
        FixLogOptions options = Small(capacityBytes: 1200, segmentBytes: 400);
        var log = FixLog.Open(fs, Dir, options);
        Fix[] fixes = MakeFixes(400);
        AppendAll(log, fixes.Take(10).ToArray());
        var output = new Fix[10];
        var inFlight = new LogBatch();
        Assert.Equal(10, log.TakeBatch(output, 10, inFlight));

        for (int i = 10; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
            Assert.True(log.UsedBytes <= options.CapacityBytes, $"used {log.UsedBytes} after {i}");
        }

        Assert.True(log.Evictions > 0);
        Assert.Equal(400, log.PendingCount + log.Evictions);

        // The PUBACK for records that were evicted meanwhile: accepted, changes nothing else.
        long pending = log.PendingCount;
        Assert.Equal(FixLogResult.Ok, log.Commit(inFlight));
        Assert.Equal(pending, log.PendingCount);

        List<Fix> rest = Drain(log, commit: false, max: 400);
        Assert.Equal(pending, rest.Count);
        Assert.True(Same(fixes[399], rest[0]));
        AssertSameSequence(fixes.Skip(400 - (int)pending).Take((int)pending - 1).ToArray(), rest.Skip(1).ToArray());
    }

    [Fact]
    public void CommittedSegments_AreDeleted()
    {
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Small());
        AppendAll(log, MakeFixes(300));
        Assert.True(log.SegmentCount > 5);
        Drain(log, commit: true, max: 50);
        Assert.Equal(0, log.PendingCount);
        Assert.Equal(1, log.SegmentCount);
        Assert.Single(fs.Paths);
    }

    [Fact]
    public void ExtremeValues_RoundTripBitExact()
    {
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Small(keyframeInterval: 5));
        var random = new Random(7);
        int[] specials = [int.MinValue, int.MaxValue, 0, -1, 1, Fix.Unknown, 900000000, -1800000000];
        var fixes = new Fix[500];
        long t = -5_000_000;
        for (int i = 0; i < fixes.Length; i++)
        {
            t += random.Next(4) switch { 0 => 1000, 1 => random.Next(-100000, 100000), 2 => long.MaxValue / 4, _ => 0 };
            Fix f = Fix.Create(t, Pick(), Pick());
            f.AltCm = Pick();
            f.SpeedMmps = Pick();
            f.CourseCdeg = Pick();
            f.HdopX100 = Pick();
            f.Satellites = Pick();
            f.Mode = (FixMode)Pick();
            f.Quality = (FixQuality)Pick();
            fixes[i] = f;
        }

        AppendAll(log, fixes);
        List<Fix> read = Drain(FixLog.Open(fs, Dir, Small(keyframeInterval: 5)), commit: false, max: 500);
        Assert.True(Same(fixes[^1], read[0]));
        AssertSameSequence(fixes.Take(499).ToArray(), read.Skip(1).ToArray());

        int Pick() => random.Next(3) == 0 ? specials[random.Next(specials.Length)] : random.Next();
    }

    [Fact]
    public void Reopen_ContinuesTheSegmentAndItsDeltaChain()
    {
        var fs = new FaultyFlash();
        Fix[] fixes = MakeFixes(60);
        var log = FixLog.Open(fs, Dir, Small(segmentBytes: 4000));
        AppendAll(log, fixes.Take(30).ToArray());
        log = FixLog.Open(fs, Dir, Small(segmentBytes: 4000));
        AppendAll(log, fixes.Skip(30).ToArray());
        Assert.Equal(1, log.SegmentCount);

        List<Fix> read = Drain(FixLog.Open(fs, Dir, Small(segmentBytes: 4000)), commit: false, max: 60);
        Assert.True(Same(fixes[59], read[0]));
        AssertSameSequence(fixes.Take(59).ToArray(), read.Skip(1).ToArray());
    }

    [Fact]
    public void NewestFirstCommits_BeyondMaxCommitRanges_NeitherLoseNorDuplicate()
    {
        // Each batch takes the newest plus one backlog fix, and a new fix arrives between batches,
        // so every commit leaves a gap: far more gaps than MaxCommitRanges (4).
        var fs = new FaultyFlash();
        var log = FixLog.Open(fs, Dir, Small());
        Fix[] fixes = MakeFixes(300);
        AppendAll(log, fixes.Take(100).ToArray());
        var seen = new HashSet<long>();
        var output = new Fix[2];
        for (int i = 100; i < 300; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
            var batch = new LogBatch();
            int n = log.TakeBatch(output, 2, batch);
            for (int k = 0; k < n; k++)
            {
                Assert.True(seen.Add(output[k].TimeMs), "duplicate within a session");
            }

            Assert.Equal(FixLogResult.Ok, log.Commit(batch));
        }

        foreach (Fix f in Drain(FixLog.Open(fs, Dir, Small()), commit: false, max: 300))
        {
            Assert.True(seen.Add(f.TimeMs), "a committed fix is offered again after reopen");
        }

        Assert.Equal(300, seen.Count);
    }

    [Fact]
    public void TransientWriteFailure_ReturnsStorageError_AndTheLogCarriesOnWithoutLoss()
    {
        for (int cut = 0; cut < 600; cut += 7)
        {
            var fs = new FaultyFlash(cut);
            var log = FixLog.Open(fs, Dir, Small());
            Fix[] fixes = MakeFixes(80);
            var acked = new List<Fix>();
            fs.CutAt = cut;
            for (int i = 0; i < fixes.Length; i++)
            {
                FixLogResult result = log.Append(ref fixes[i]);
                if (fs.IsCut)
                {
                    Assert.Equal(FixLogResult.StorageError, result);
                    fs.Reboot(); // the flash works again, the log instance carries on
                    continue;
                }

                Assert.Equal(FixLogResult.Ok, result);
                acked.Add(fixes[i]);
            }

            Assert.True(log.StorageErrors > 0 || acked.Count == fixes.Length);
            List<Fix> read = Drain(FixLog.Open(fs, Dir, Small()), commit: false, max: 100);
            Assert.True(Same(acked[^1], read[0]), $"cut {cut}");
            AssertSameSequence(acked.Take(acked.Count - 1).ToArray(), read.Skip(1).ToArray());
        }
    }

    [Fact]
    public void Options_OutOfRange_ThrowNamingTheKey()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FixLogOptions(700, 400, 16, 4));
        Assert.Contains("CapacityBytes", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new FixLogOptions(100000, 100, 16, 4));
        Assert.Contains("SegmentBytes", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new FixLogOptions(100000, 1000, 0, 4));
        Assert.Contains("KeyframeInterval", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new FixLogOptions(100000, 1000, 16, 1000));
        Assert.Contains("MaxCommitRanges", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256 * 1024, 4096 - 64)]
    [InlineData(2 * 1024 * 1024, (8 * 4096) - 64)]
    [InlineData(3 * 1024 * 1024, (8 * 4096) - 64)]
    public void ForCapacity_UsesWholeFlashBlocks(int capacity, int segment)
    {
        Assert.Equal(segment, FixLogOptions.ForCapacity(capacity).SegmentBytes);
    }

    [Fact]
    public void Append_AllocatesNothing_AndNeitherDoTakeAndCommit()
    {
        var fs = new PreallocatedFlash();
        var log = FixLog.Open(fs, Dir, new FixLogOptions(4 << 20, 1 << 20, 128, 32));
        Fix[] fixes = SyntheticRoute.Generate(6000, seed: 3);
        for (int i = 0; i < 1000; i++)
        {
            log.Append(ref fixes[i]);
        }

        var output = new Fix[20];
        var batch = new LogBatch();
        log.TakeBatch(output, 20, batch);
        log.Commit(batch);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < 6000; i++)
        {
            log.Append(ref fixes[i]);
        }

        long afterAppend = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            log.TakeBatch(output, 20, batch);
            log.Commit(batch);
        }

        long afterBatches = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, afterAppend - before);
        Assert.Equal(0, afterBatches - afterAppend);
    }

    /// <summary>A file system that allocates nothing per call, to measure the log's own allocation.</summary>
    private sealed class PreallocatedFlash : IFlashFileSystem
    {
        private readonly Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _length = new(StringComparer.Ordinal);

        public void CreateDirectory(string directory)
        {
        }

        public string[] ListFiles(string directory) => [.. _data.Keys.Select(Path.GetFileName).OfType<string>()];

        public string Combine(string directory, string name) => directory + "/" + name;

        public int Length(string path) => _length.TryGetValue(path, out int n) ? n : -1;

        public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
        {
            int n = Math.Max(0, Math.Min(count, Length(path) - offset));
            if (n > 0)
            {
                Array.Copy(_data[path], offset, buffer, index, n);
            }

            return n;
        }

        public void Append(string path, byte[] buffer, int index, int count)
        {
            if (!_data.TryGetValue(path, out byte[]? data))
            {
                data = new byte[2 << 20];
                _data[path] = data;
                _length[path] = 0;
            }

            Array.Copy(buffer, index, data, _length[path], count);
            _length[path] += count;
        }

        public void Delete(string path)
        {
            _data.Remove(path);
            _length.Remove(path);
        }

        public void Rename(string sourcePath, string destinationPath)
        {
            _data[destinationPath] = _data[sourcePath];
            _length[destinationPath] = _length[sourcePath];
            Delete(sourcePath);
        }
    }
}
