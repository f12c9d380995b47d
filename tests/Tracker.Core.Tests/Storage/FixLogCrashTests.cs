using System.Diagnostics;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Xunit.Abstractions;
using Xunit.Sdk;
using static Tracker.Core.Tests.Storage.LogTestKit;

namespace Tracker.Core.Tests.Storage;

/// <summary>
/// Power cuts at arbitrary byte offsets. Each seed makes a random workload (append, take, commit
/// out of order, rewind, reopen; small segments so that rotation, garbage collection and eviction
/// happen often). It runs once without a cut to count its ticks, then again with the power cut at
/// random ticks: torn appends with or without garbage, lost or persisted renames and deletes. After
/// each cut the log is reopened and must hold exactly what the contract says.
/// </summary>
public sealed class FixLogCrashTests(ITestOutputHelper output)
{
    [Fact]
    public void PowerCut_AtAnyByte_NoCorruption_NoLoss_NoDuplicatesBeyondTheCommitInProgress()
    {
        const int Seeds = 1000;
        const int CutsPerSeed = 10;
        var clock = Stopwatch.StartNew();
        int cuts = 0, appendCut = 0, commitCut = 0, otherCut = 0, tornPartial = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            long total = CrashRun.Execute(seed, long.MaxValue, garbage: false).Ticks;
            var random = new Random(seed * 7919);
            for (int c = 0; c < CutsPerSeed; c++)
            {
                long cut = random.NextInt64(0, total + 1);
                CrashRun run = CrashRun.Execute(seed, cut, garbage: c % 2 == 0);
                cuts++;
                if (run.AppendInProgress is not null)
                {
                    appendCut++;
                    if (!run.AppendSurvived)
                    {
                        tornPartial++;
                    }
                }
                else if (run.CommitInProgress is not null)
                {
                    commitCut++;
                }
                else
                {
                    otherCut++;
                }
            }
        }

        output.WriteLine(
            $"{cuts} cut points over {Seeds} seeds in {clock.ElapsedMilliseconds} ms: {appendCut} during an append "
            + $"({tornPartial} of them lost it), {commitCut} during a commit, {otherCut} during rotation, collection or reopen");
        Assert.True(cuts >= 10_000);
        Assert.True(appendCut > 1000 && commitCut > 100 && otherCut > 100, "the cut points cover every kind of write");
    }

    /// <summary>One workload, optionally cut; verifies after the cut (or at the end) and throws with the seed on failure.</summary>
    private sealed class CrashRun
    {
        private readonly int _seed;
        private readonly long _cutAt;
        private readonly Random _random;
        private readonly FaultyFlash _fs;
        private readonly FixLogOptions _options;
        private readonly bool _evictionPossible;
        private readonly Dictionary<long, Fix> _acked = [];
        private readonly HashSet<long> _committed = [];
        private readonly List<(LogBatch Batch, long[] Times)> _outstanding = [];
        private readonly List<(LogBatch Batch, long[] Times)> _stale = [];
        private readonly Fix[] _output = new Fix[8];
        private FixLog _log = null!;
        private long _time = 1_000_000;
        private int _index;
        private Fix _last;

        private CrashRun(int seed, long cutAt, bool garbage)
        {
            _seed = seed;
            _cutAt = cutAt;
            _random = new Random(seed);
            _fs = new FaultyFlash(seed ^ (int)cutAt) { TornGarbage = garbage };
            int maxRanges = 4 + _random.Next(5);
            int segment = FixLogOptions.MinSegmentBytes(maxRanges) + _random.Next(300);
            _evictionPossible = seed % 3 == 0;
            int capacity = _evictionPossible ? (3 * segment) + _random.Next(segment) : 1 << 20;
            _options = new FixLogOptions(capacity, segment, 1 + _random.Next(20), maxRanges);
        }

        public long Ticks => _fs.Ticks;

        public Fix? AppendInProgress { get; private set; }

        public long[]? CommitInProgress { get; private set; }

        public bool AppendSurvived { get; private set; }

        public static CrashRun Execute(int seed, long cutAt, bool garbage)
        {
            var run = new CrashRun(seed, cutAt, garbage);
            try
            {
                run.Work();
                run.Verify();
            }
            catch (XunitException e)
            {
                throw new XunitException($"seed={seed} cutAt={cutAt} garbage={garbage}: {e.Message}");
            }

            return run;
        }

        private void Work()
        {
            _fs.CutAt = _cutAt;
            if (Reopen())
            {
                return;
            }

            int ops = 60 + _random.Next(80);
            for (int i = 0; i < ops; i++)
            {
                int op = _random.Next(100);
                bool cut = op switch
                {
                    < 55 => Append(),
                    < 72 => Take(),
                    < 90 => Commit(),
                    < 94 => Rewind(),
                    _ => Reopen(),
                };
                if (cut)
                {
                    return;
                }
            }
        }

        private bool Append()
        {
            Fix fix = NextFix();
            FixLogResult result = _log.Append(ref fix);
            if (_fs.IsCut)
            {
                AppendInProgress = fix;
                return true;
            }

            Check(result == FixLogResult.Ok, $"append returned {result}");
            _acked.Add(fix.TimeMs, fix);
            _last = fix;
            return false;
        }

        private bool Take()
        {
            if (_outstanding.Count >= 3)
            {
                return false;
            }

            var batch = new LogBatch();
            int max = 1 + _random.Next(_output.Length);
            int n = _log.TakeBatch(_output, max, batch);
            var inFlight = _outstanding.SelectMany(o => o.Times).ToHashSet();
            var times = new long[n];
            for (int k = 0; k < n; k++)
            {
                Fix f = _output[k];
                times[k] = f.TimeMs;
                Check(_acked.TryGetValue(f.TimeMs, out Fix expected) && Same(expected, f), $"took a fix never appended: {Show(f)}");
                Check(!_committed.Contains(f.TimeMs), $"took a committed fix {f.TimeMs}");
                Check(!inFlight.Contains(f.TimeMs), $"took a fix already in flight {f.TimeMs}");
                if (k == 0 && batch.NewestSeq >= 0)
                {
                    Check(f.TimeMs == _last.TimeMs, "the newest-first lead is not the newest fix");
                }
                else if (k > 0 && !(k == 1 && batch.NewestSeq >= 0))
                {
                    Check(f.TimeMs > _output[k - 1].TimeMs, "backlog not in append order");
                }
            }

            Check(times.Distinct().Count() == n, "duplicate inside a batch");
            if (n > 0)
            {
                _outstanding.Add((batch, times));
            }

            return false;
        }

        private bool Commit()
        {
            List<(LogBatch Batch, long[] Times)> from = _stale.Count > 0 && _random.Next(4) == 0 ? _stale : _outstanding;
            if (from.Count == 0)
            {
                return false;
            }

            int pick = _random.Next(from.Count);
            (LogBatch batch, long[] times) = from[pick];
            FixLogResult result = _log.Commit(batch);
            if (_fs.IsCut)
            {
                CommitInProgress = times;
                return true;
            }

            from.RemoveAt(pick);
            if (result == FixLogResult.NotRecorded && from == _stale)
            {
                return false; // a late commit that did not fit: its records will be offered again
            }

            Check(result == FixLogResult.Ok, $"commit returned {result}");
            _committed.UnionWith(times);
            return false;
        }

        private bool Rewind()
        {
            _log.Rewind();
            _stale.AddRange(_outstanding);
            _outstanding.Clear();
            return false;
        }

        private bool Reopen()
        {
            try
            {
                _log = FixLog.Open(_fs, Dir, _options);
            }
            catch (PowerCutException)
            {
            }

            _stale.AddRange(_outstanding);
            _outstanding.Clear();
            return _fs.IsCut;
        }

        private void Verify()
        {
            _fs.Reboot();
            FixLog log;
            try
            {
                log = FixLog.Open(_fs, Dir, _options);
            }
            catch (Exception e)
            {
                throw new XunitException("reopen threw " + e);
            }

            long pending = log.PendingCount;
            var batches = new List<LogBatch>();
            var offered = new List<Fix>();
            var big = new Fix[256]; // few batches in flight: each may reserve a committed range
            while (true)
            {
                var batch = new LogBatch();
                int n = log.TakeBatch(big, big.Length, batch);
                if (n == 0)
                {
                    break;
                }

                batches.Add(batch);
                offered.AddRange(big.Take(n));
                Check(offered.Count <= 100_000, "drain does not end");
            }

            var offeredTimes = new HashSet<long>();
            foreach (Fix f in offered)
            {
                Check(offeredTimes.Add(f.TimeMs), $"offered twice after reopen: {f.TimeMs}");
                if (AppendInProgress is Fix p && p.TimeMs == f.TimeMs)
                {
                    Check(Same(p, f), $"the append in progress came back altered: {Show(f)}");
                    AppendSurvived = true;
                    continue;
                }

                Check(_acked.TryGetValue(f.TimeMs, out Fix expected), $"offered a fix never appended: {Show(f)}");
                Check(Same(expected, f), $"offered {Show(f)}, appended {Show(expected)}");
                Check(
                    !_committed.Contains(f.TimeMs) || (CommitInProgress?.Contains(f.TimeMs) ?? false),
                    $"fix {f.TimeMs} committed before the cut is offered again");
            }

            var lost = _acked.Keys
                .Where(t => !_committed.Contains(t) && !(CommitInProgress?.Contains(t) ?? false) && !offeredTimes.Contains(t))
                .ToList();
            if (!_evictionPossible)
            {
                Check(lost.Count == 0, $"{lost.Count} acknowledged fixes lost, first {lost.FirstOrDefault()}");
            }
            else if (lost.Count > 0 && offered.Count > 0)
            {
                Check(lost.Max() < offeredTimes.Min(), "a lost fix is newer than an offered one: not oldest-first eviction");
            }

            Check(offered.Count == pending, $"PendingCount {pending} but {offered.Count} offered");
            Check(log.CorruptRecords == 0, $"a power cut was taken for corruption ({log.CorruptRecords})");
            Check(log.SkippedFiles == 0, $"{log.SkippedFiles} files skipped after a power cut");
            Check(log.UsedBytes <= _options.CapacityBytes + _options.SegmentBytes, "capacity exceeded");

            foreach (LogBatch batch in batches)
            {
                Check(log.Commit(batch) == FixLogResult.Ok, "commit after reopen failed");
            }

            Check(log.PendingCount == 0, "pending after committing everything");
            FixLog again = FixLog.Open(_fs, Dir, _options);
            Check(again.PendingCount == 0 && again.TakeBatch(_output, 8, new LogBatch()) == 0, "commits did not survive a reopen");
        }

        private Fix NextFix()
        {
            _index++;
            _time += 1 + _random.Next(3000);
            Fix f = MakeFix(_time, _index);
            if (_random.Next(20) == 0)
            {
                f.AltCm = Fix.Unknown;
                f.LatE7 = _random.Next(int.MinValue, int.MaxValue);
                f.Quality = FixQuality.Differential;
            }

            return f;
        }

        private static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new XunitException(message);
            }
        }
    }
}
