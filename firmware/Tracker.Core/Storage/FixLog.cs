using System;
using System.Threading;
using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// The crash-safe store-and-forward log of fixes on flash. Fixes are appended as compact delta
    /// records to segment files; the uplink takes batches (the newest fix first, for the live map,
    /// then the backlog oldest first), publishes each with MQTT QoS1, and commits it on PUBACK. A
    /// batch that is never committed is offered again after <see cref="Rewind"/> or a reboot.
    /// </summary>
    /// <remarks>
    /// <para>Every record has a sequence number (0, 1, 2... over the log's life). What is committed
    /// is a set of sequence numbers, persisted as commit records in the active segment and as a
    /// snapshot at the start of each new segment. On-flash format, crash-safety argument and measured
    /// capacity: Storage/README.md.</para>
    /// <para>Thread-safe: the GNSS thread may append while the uplink thread takes and commits.
    /// Append allocates nothing (the device's FileStream.Write copies the bytes it is given, which
    /// is outside this class).</para>
    /// </remarks>
    public sealed class FixLog
    {
        private const int ReadOk = 0;
        private const int ReadCorrupt = 1;
        private const int ReadFailed = 2;

        private readonly object _sync = new object();
        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly FixLogOptions _options;
        private readonly SegmentTable _segments = new SegmentTable();
        private readonly SeqRangeSet _committed;
        private readonly SeqRangeSet _taken;
        private readonly FixCodec _encoder = new FixCodec();
        private readonly FixCodec _newest = new FixCodec();
        private readonly SegmentReader _reader;
        private readonly byte[] _work;
        private uint _activeSeed;
        private int _fixesSinceKeyframe;
        private long _nextSeq;
        private long _newestSeq = -1;
        private bool _needsNewSegment;
        private int _nextNumber = 1;
        private int _epoch;
        private int _reserved;
        private long _appended;
        private long _committedCount;
        private long _evicted;
        private long _corrupt;
        private long _skippedFiles;
        private long _storageErrors;

        private FixLog(IFlashFileSystem fs, string directory, FixLogOptions options)
        {
            _fs = fs;
            _directory = directory;
            _options = options;
            _committed = new SeqRangeSet(options.MaxCommitRanges);
            _taken = new SeqRangeSet(2 * options.MaxCommitRanges);
            _reader = new SegmentReader(options.MaxCommitRanges);
            int work = FixLogFormat.HeaderSize + FixLogFormat.MaxSnapshotBytes(options.MaxCommitRanges);
            _work = new byte[work > FixLogFormat.MaxRecordBytes ? work : FixLogFormat.MaxRecordBytes];
        }

        /// <summary>Fixes appended since the log was opened.</summary>
        public long Appended
        {
            get { return ReadCounter(ref _appended); }
        }

        /// <summary>Fixes in batches committed since the log was opened.</summary>
        public long Committed
        {
            get { return ReadCounter(ref _committedCount); }
        }

        /// <summary>
        /// Uncommitted fixes dropped by the capacity rule since the log was opened. A fix that was in
        /// a batch in flight when it was evicted is counted here, and still delivered by that batch.
        /// </summary>
        public long Evictions
        {
            get { return ReadCounter(ref _evicted); }
        }

        /// <summary>Fixes found unreadable (bad bytes on flash) and skipped since the log was opened.</summary>
        public long CorruptRecords
        {
            get { return ReadCounter(ref _corrupt); }
        }

        /// <summary>
        /// Files in the log's directory left alone when it was opened: foreign names, segments of a
        /// newer format version, segments with a bad header. They are never read, written or deleted.
        /// </summary>
        public long SkippedFiles
        {
            get { return ReadCounter(ref _skippedFiles); }
        }

        /// <summary>File-system operations that failed since the log was opened.</summary>
        public long StorageErrors
        {
            get { return ReadCounter(ref _storageErrors); }
        }

        /// <summary>Fixes not yet committed (including those in batches in flight).</summary>
        public long PendingCount
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    long floor = _committed.Floor;
                    return _nextSeq - floor - _committed.MembersIn(floor, _nextSeq);
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>
        /// Bytes used by the log's segment files. Kept within <see cref="FixLogOptions.CapacityBytes"/>;
        /// after a delete lost to a power cut, or a reopen with a smaller capacity, it can be over by
        /// up to a segment until the next segment is started.
        /// </summary>
        public long UsedBytes
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _segments.TotalBytes;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>Number of segment files in use.</summary>
        public int SegmentCount
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _segments.Count;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>
        /// Opens the log in <paramref name="directory"/>, creating it if needed, and recovers from
        /// whatever a power cut or bad flash left: temporary files are deleted, unreadable files are
        /// skipped and counted, the active segment is scanned to find its valid end, the newest fix
        /// and the commit state. Sealed segments are only checked by header here and validated record
        /// by record when read. Bad bytes never throw.
        /// </summary>
        /// <param name="fs">The file system.</param>
        /// <param name="directory">The log's own directory (for example <c>I:\fixlog</c>).</param>
        /// <param name="options">Sizing.</param>
        /// <returns>The open log.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <remarks>Only a file system that cannot create or list the directory makes this throw (its own exception).</remarks>
        public static FixLog Open(IFlashFileSystem fs, string directory, FixLogOptions options)
        {
            if (fs == null)
            {
                throw new ArgumentNullException(nameof(fs));
            }

            if (directory == null)
            {
                throw new ArgumentNullException(nameof(directory));
            }

            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            FixLog log = new FixLog(fs, directory, options);
            log.Recover();
            return log;
        }

        /// <summary>
        /// Appends a fix. When it returns <see cref="FixLogResult.Ok"/> the fix is on flash and will
        /// be offered until committed or evicted. Allocates nothing.
        /// </summary>
        /// <param name="fix">The fix (passed by reference to avoid a struct copy on the device).</param>
        /// <returns><see cref="FixLogResult.Ok"/> or <see cref="FixLogResult.StorageError"/>.</returns>
        public FixLogResult Append(ref Fix fix)
        {
            Monitor.Enter(_sync);
            try
            {
                bool newSegment = _needsNewSegment || _segments.Count == 0;
                bool keyframe = newSegment || !_encoder.HasFix || _fixesSinceKeyframe >= _options.KeyframeInterval;
                int length = 0;
                if (!newSegment)
                {
                    length = EncodeFix(ref fix, keyframe);
                    newSegment = _segments.Length(_segments.Count - 1) + length > _options.SegmentBytes;
                }

                if (newSegment)
                {
                    if (!StartSegment())
                    {
                        return FixLogResult.StorageError;
                    }

                    keyframe = true;
                    length = EncodeFix(ref fix, true);
                }

                if (!AppendWork(length))
                {
                    return FixLogResult.StorageError;
                }

                if (keyframe)
                {
                    _encoder.SetKeyframe(ref fix);
                    _fixesSinceKeyframe = 1;
                }
                else
                {
                    _encoder.Advance(ref fix);
                    _fixesSinceKeyframe++;
                }

                _newest.SetKeyframe(ref fix);
                _newestSeq = _nextSeq;
                _nextSeq++;
                _appended++;
                return FixLogResult.Ok;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        /// <summary>
        /// Takes the next batch to publish: the newest fix first (if it is not already in flight or
        /// committed), then uncommitted backlog fixes oldest first, skipping those in other batches in
        /// flight. Allocates nothing.
        /// </summary>
        /// <param name="output">Receives the fixes, from index 0.</param>
        /// <param name="max">Most fixes to take, 1 to output.Length.</param>
        /// <param name="batch">A caller-owned batch that is not in flight; it is filled in.</param>
        /// <returns>
        /// Fixes written to <paramref name="output"/>; 0 when nothing is waiting, or when every
        /// record waiting is in a batch in flight, or when the batches in flight hold all the room in
        /// the committed-range table (<see cref="FixLogOptions.MaxCommitRanges"/>; a batch that
        /// starts at the oldest uncommitted record needs none): commit or <see cref="Rewind"/> first.
        /// </returns>
        /// <exception cref="ArgumentNullException">output or batch is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">max is out of range.</exception>
        /// <exception cref="InvalidOperationException">batch is still in flight.</exception>
        public int TakeBatch(Fix[] output, int max, LogBatch batch)
        {
            if (output == null)
            {
                throw new ArgumentNullException(nameof(output));
            }

            if (batch == null)
            {
                throw new ArgumentNullException(nameof(batch));
            }

            if (max < 1 || max > output.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(max), "max must be 1 to output.Length");
            }

            Monitor.Enter(_sync);
            try
            {
                if (batch.State == LogBatch.StateTaken && batch.Owner == this && batch.Epoch == _epoch)
                {
                    throw new InvalidOperationException("The batch is still in flight: commit it, or Rewind, before reusing it");
                }

                batch.Clear();
                int count = 0;
                int reserved = 0;

                // Each batch in flight reserves the committed ranges its commit can add, so that a
                // commit never overflows the table: one for a newest-first lead, one for a backlog
                // range unless it starts at the committed floor (it then merges into it).
                int room = _committed.Capacity - _committed.Count - _reserved;
                int backlogNeed = _taken.NextNonMember(_committed.Floor) == _committed.Floor ? 0 : 1;
                if (_newestSeq >= 0 && _newestSeq == _nextSeq - 1 && !_taken.Contains(_newestSeq) && room >= 2)
                {
                    _newest.CopyTo(ref output[0]);
                    batch.NewestSeq = _newestSeq;
                    _taken.Add(_newestSeq, _newestSeq + 1);
                    count = 1;
                    reserved = 1;
                    backlogNeed = _taken.NextNonMember(_committed.Floor) == _committed.Floor ? 0 : 1;
                }

                long from = _taken.NextNonMember(_committed.Floor);
                if (room - reserved < backlogNeed)
                {
                    max = count; // no room for a backlog range until a batch in flight commits
                }

                long pos = from;
                bool stop = false;
                while (!stop && count < max && pos < _nextSeq)
                {
                    if (_taken.Contains(pos))
                    {
                        // Committed records may sit inside the range (a newest-first commit); a
                        // record in another batch in flight may not.
                        if (!_committed.Contains(pos))
                        {
                            break;
                        }

                        pos = _committed.EndOfRun(pos);
                        continue;
                    }

                    long runEnd = _taken.NextMember(pos);
                    if (runEnd > _nextSeq)
                    {
                        runEnd = _nextSeq;
                    }

                    while (count < max && pos < runEnd)
                    {
                        long next;
                        int result = ReadFix(pos, runEnd, ref output[count], out next);
                        if (result == ReadOk)
                        {
                            count++;
                            pos++;
                        }
                        else if (result == ReadCorrupt)
                        {
                            pos = next;
                        }
                        else
                        {
                            stop = true;
                            break;
                        }
                    }
                }

                if (pos > from)
                {
                    _taken.Add(from, pos);
                    reserved += backlogNeed;
                }

                batch.FromSeq = from;
                batch.ToSeq = pos;
                batch.Count = count;
                if (count > 0)
                {
                    batch.State = LogBatch.StateTaken;
                    batch.Owner = this;
                    batch.Epoch = _epoch;
                    batch.Reserved = reserved;
                    _reserved += reserved;
                }

                return count;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        /// <summary>
        /// Marks a batch as delivered (call it on PUBACK). Durable when it returns
        /// <see cref="FixLogResult.Ok"/>; segments whose records are all committed are then deleted.
        /// A batch whose records were evicted meanwhile commits without effect on them.
        /// </summary>
        /// <param name="batch">A batch from <see cref="TakeBatch"/>.</param>
        /// <returns>Ok, StorageError (the batch stays in flight; retry or let it be re-offered), or NothingToCommit.</returns>
        /// <exception cref="ArgumentNullException">batch is null.</exception>
        public FixLogResult Commit(LogBatch batch)
        {
            if (batch == null)
            {
                throw new ArgumentNullException(nameof(batch));
            }

            Monitor.Enter(_sync);
            try
            {
                if (batch.State != LogBatch.StateTaken)
                {
                    return FixLogResult.NothingToCommit;
                }

                bool current = batch.Owner == this && batch.Epoch == _epoch;
                if (!current && _committed.Count + _reserved + 2 > _committed.Capacity)
                {
                    return FixLogResult.NotRecorded;
                }

                if (_needsNewSegment
                    || _segments.Count == 0
                    || _segments.Length(_segments.Count - 1) + FixLogFormat.MaxRecordBytes > _options.SegmentBytes)
                {
                    if (!StartSegment())
                    {
                        return FixLogResult.StorageError;
                    }
                }

                if (!AppendWork(EncodeCommit(batch)))
                {
                    return FixLogResult.StorageError;
                }

                if (batch.NewestSeq >= 0)
                {
                    _committed.Add(batch.NewestSeq, batch.NewestSeq + 1);
                    _taken.Add(batch.NewestSeq, batch.NewestSeq + 1);
                }

                _committed.Add(batch.FromSeq, batch.ToSeq);
                _taken.Add(batch.FromSeq, batch.ToSeq);
                _committedCount += batch.Count;
                if (current)
                {
                    _reserved -= batch.Reserved;
                }

                batch.State = LogBatch.StateCommitted;
                CollectCommitted();
                return FixLogResult.Ok;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        /// <summary>
        /// Forgets every batch in flight (call it when the connection drops): their records are
        /// offered again by the next <see cref="TakeBatch"/>. A late <see cref="Commit"/> of such a
        /// batch is still applied.
        /// </summary>
        public void Rewind()
        {
            Monitor.Enter(_sync);
            try
            {
                _taken.CopyFrom(_committed);
                _reserved = 0;
                _epoch++;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        private long ReadCounter(ref long counter)
        {
            Monitor.Enter(_sync);
            try
            {
                return counter;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        private int EncodeFix(ref Fix fix, bool keyframe)
        {
            int end = keyframe
                ? FixCodec.WriteKeyframe(ref fix, _nextSeq - _segments.First(_segments.Count - 1), _work, 0)
                : _encoder.WriteDelta(ref fix, _work, 0);
            return FixLogFormat.SealRecord(_activeSeed, _work, 0, end);
        }

        private int EncodeCommit(LogBatch batch)
        {
            long first = _segments.First(_segments.Count - 1);
            int o = 0;
            _work[o++] = FixLogFormat.TagCommit;
            if (batch.NewestSeq >= 0)
            {
                _work[o++] = 1;
                o = Varint.Write(Varint.ZigZag(batch.NewestSeq - first), _work, o);
            }
            else
            {
                _work[o++] = 0;
            }

            o = Varint.Write(Varint.ZigZag(batch.FromSeq - first), _work, o);
            o = Varint.Write((ulong)(batch.ToSeq - batch.FromSeq), _work, o);
            return FixLogFormat.SealRecord(_activeSeed, _work, 0, o);
        }

        private int WriteSnapshot(uint seed, int offset)
        {
            int o = offset;
            _work[o++] = FixLogFormat.TagSnapshot;
            long floor = _committed.Floor;
            o = Varint.Write(Varint.ZigZag(floor - _nextSeq), _work, o);
            o = Varint.Write((ulong)_committed.Count, _work, o);
            long prev = floor;
            for (int i = 0; i < _committed.Count; i++)
            {
                o = Varint.Write((ulong)(_committed.StartAt(i) - prev), _work, o);
                o = Varint.Write((ulong)(_committed.EndAt(i) - _committed.StartAt(i)), _work, o);
                prev = _committed.EndAt(i);
            }

            return FixLogFormat.SealRecord(seed, _work, offset, o - offset);
        }

        // Appends _work[0..length) to the active segment. On failure the tail may be torn, so the
        // next write starts a new segment rather than appending after garbage.
        private bool AppendWork(int length)
        {
            int last = _segments.Count - 1;
            try
            {
                _fs.Append(_segments.Path(last), _work, 0, length);
            }
            catch (Exception)
            {
                _storageErrors++;
                _needsNewSegment = true;
                try
                {
                    int actual = _fs.Length(_segments.Path(last));
                    if (actual >= 0)
                    {
                        _segments.SetLastLength(actual);
                    }
                }
                catch (Exception)
                {
                    _storageErrors++;
                }

                return false;
            }

            _segments.GrowLast(length);
            return true;
        }

        // Seals the active segment and starts the next: evicts the oldest segments until a full
        // segment fits in the capacity, writes header and snapshot under a temporary name, and
        // renames it, so that a segment file with its final name always has a complete header.
        private bool StartSegment()
        {
            while (_segments.Count > 0 && _segments.TotalBytes + _options.SegmentBytes > _options.CapacityBytes)
            {
                if (!DeleteOldest(true))
                {
                    return false;
                }
            }

            int number = _nextNumber++;
            string temporary = _fs.Combine(_directory, FixLogFormat.SegmentName(number, true));
            string path = _fs.Combine(_directory, FixLogFormat.SegmentName(number, false));
            uint seed = FixLogFormat.WriteHeader(_work, number, _nextSeq);
            int length = FixLogFormat.HeaderSize + WriteSnapshot(seed, FixLogFormat.HeaderSize);
            try
            {
                _fs.Append(temporary, _work, 0, length);
                _fs.Rename(temporary, path);
            }
            catch (Exception)
            {
                _storageErrors++;
                TryDelete(temporary);
                return false;
            }

            _segments.Add(number, path, _nextSeq, length);
            _activeSeed = seed;
            _encoder.HasFix = false;
            _fixesSinceKeyframe = 0;
            _needsNewSegment = false;
            return true;
        }

        // Deletes the oldest segment: by the capacity rule (evicting: its uncommitted records are
        // counted) or because everything in it is committed.
        private bool DeleteOldest(bool evicting)
        {
            long first = _segments.First(0);
            long end = _segments.Count > 1 ? _segments.First(1) : _nextSeq;
            try
            {
                _fs.Delete(_segments.Path(0));
            }
            catch (Exception)
            {
                _storageErrors++;
                return false;
            }

            if (evicting)
            {
                _evicted += (end - first) - _committed.MembersIn(first, end);
            }

            if (_reader.Path != null && _reader.Number == _segments.Number(0))
            {
                _reader.Reset();
            }

            _segments.RemoveOldest();
            long floor = _segments.Count > 0 ? _segments.First(0) : _nextSeq;
            _committed.RaiseFloor(floor);
            _taken.RaiseFloor(floor);
            if (_segments.Count == 0)
            {
                _needsNewSegment = true;
            }

            return true;
        }

        // Deletes sealed segments whose records are all committed, oldest first.
        private void CollectCommitted()
        {
            while (_segments.Count >= 2 && _committed.Floor >= _segments.First(1))
            {
                if (!DeleteOldest(false))
                {
                    return;
                }
            }
        }

        private void TryDelete(string path)
        {
            try
            {
                _fs.Delete(path);
            }
            catch (Exception)
            {
                _storageErrors++;
            }
        }

        // Reads fix 'seq' (not taken) into 'fix'. When it is unreadable, marks the unreadable run
        // from seq (up to 'limit') as corrupt and sets 'next' past it.
        private int ReadFix(long seq, long limit, ref Fix fix, out long next)
        {
            next = seq + 1;
            int si = _segments.IndexOf(seq);
            if (si < 0)
            {
                next = _segments.Count > 0 && _segments.First(0) < limit ? _segments.First(0) : limit;
                MarkCorrupt(seq, next);
                return ReadCorrupt;
            }

            long segmentEnd = si + 1 < _segments.Count ? _segments.First(si + 1) : _nextSeq;
            long stop = segmentEnd < limit ? segmentEnd : limit;
            bool positioned = _reader.Path != null
                && _reader.Number == _segments.Number(si)
                && ((_reader.Codec.HasFix && _reader.LastFixSeq == seq) || _reader.FirstSeq + _reader.NextIndex <= seq);
            if (!positioned && _reader.Begin(_fs, _segments.Path(si), _segments.Number(si)) != FixLogFormat.HeaderValid)
            {
                if (_reader.ReadFailed)
                {
                    return ReadFailed;
                }

                next = stop;
                MarkCorrupt(seq, stop);
                return ReadCorrupt;
            }

            while (true)
            {
                if (_reader.Codec.HasFix && _reader.LastFixSeq >= seq)
                {
                    if (_reader.LastFixSeq == seq)
                    {
                        _reader.Codec.CopyTo(ref fix);
                        return ReadOk;
                    }

                    // A resync jumped over seq: the records before this keyframe are lost.
                    next = _reader.LastFixSeq < stop ? _reader.LastFixSeq : stop;
                    MarkCorrupt(seq, next);
                    return ReadCorrupt;
                }

                int kind = _reader.Next();
                if (kind == SegmentReader.KindFix)
                {
                    if (_reader.LastFixSeq < segmentEnd)
                    {
                        continue;
                    }
                }
                else if (kind == SegmentReader.KindCommit || kind == SegmentReader.KindSnapshot)
                {
                    continue;
                }
                else if (kind == SegmentReader.KindBad && _reader.Resync())
                {
                    continue;
                }

                if (_reader.ReadFailed)
                {
                    return ReadFailed;
                }

                // The segment ends (or overruns its range) before seq: the rest of it is lost.
                _reader.Reset();
                next = stop;
                MarkCorrupt(seq, stop);
                return ReadCorrupt;
            }
        }

        private void MarkCorrupt(long from, long to)
        {
            if (to <= from)
            {
                return;
            }

            _corrupt += (to - from) - _committed.MembersIn(from, to);
            _committed.Add(from, to);
            _taken.Add(from, to);
        }

        private void Recover()
        {
            _fs.CreateDirectory(_directory);
            string[] names = _fs.ListFiles(_directory);
            int[] numbers = new int[names.Length];
            string[] paths = new string[names.Length];
            long[] firsts = new long[names.Length];
            int found = 0;
            int maxNumber = 0;
            for (int i = 0; i < names.Length; i++)
            {
                int number;
                bool temporary;
                if (!FixLogFormat.TryParseName(names[i], out number, out temporary))
                {
                    _skippedFiles++;
                    continue;
                }

                if (number > maxNumber)
                {
                    maxNumber = number;
                }

                string path = _fs.Combine(_directory, names[i]);
                if (temporary)
                {
                    // A segment whose creation was cut short: it holds no fix yet.
                    TryDelete(path);
                    continue;
                }

                if (_reader.Begin(_fs, path, number) != FixLogFormat.HeaderValid)
                {
                    _skippedFiles++;
                    continue;
                }

                // Insertion sort by number (no Array.Sort on the device).
                int at = found;
                while (at > 0 && numbers[at - 1] > number)
                {
                    numbers[at] = numbers[at - 1];
                    paths[at] = paths[at - 1];
                    firsts[at] = firsts[at - 1];
                    at--;
                }

                numbers[at] = number;
                paths[at] = path;
                firsts[at] = _reader.FirstSeq;
                found++;
            }

            _reader.Reset();
            _nextNumber = maxNumber + 1;
            for (int i = 0; i < found; i++)
            {
                // Sequence numbers only grow with segment numbers; a segment that breaks the
                // order is not trusted.
                if (_segments.Count > 0 && firsts[i] < _segments.First(_segments.Count - 1))
                {
                    _skippedFiles++;
                    continue;
                }

                _segments.Add(numbers[i], paths[i], firsts[i], SafeLength(paths[i]));
            }

            if (_segments.Count == 0)
            {
                _nextSeq = 0;
                _committed.Clear(0);
                _taken.Clear(0);
                _needsNewSegment = true;
                return;
            }

            // The commit state is the newest readable snapshot plus the commit records after it.
            int last = _segments.Count - 1;
            int k = last;
            while (k >= 0)
            {
                if (_reader.Begin(_fs, _segments.Path(k), _segments.Number(k)) == FixLogFormat.HeaderValid
                    && _reader.Next() == SegmentReader.KindSnapshot)
                {
                    break;
                }

                k--;
            }

            if (k < 0)
            {
                _committed.Clear(_segments.First(0));
                k = 0;
            }
            else
            {
                _committed.Clear(_reader.SnapshotFloor);
                for (int i = 0; i < _reader.SnapshotCount; i++)
                {
                    _committed.Add(_reader.SnapshotStart(i), _reader.SnapshotEnd(i));
                }
            }

            for (int s = k; s <= last; s++)
            {
                ScanSegment(s, s == last);
            }

            _reader.Reset();
            _committed.RemoveFrom(_nextSeq);
            _committed.RaiseFloor(_segments.First(0));
            _taken.CopyFrom(_committed);
            CollectCommitted();
        }

        // Reads a segment completely: applies its commit records, marks gaps as corrupt and, for the
        // active segment, finds the valid end, the next sequence number and the encoder state.
        private void ScanSegment(int s, bool active)
        {
            long expected = _segments.First(s);
            long end = active ? long.MaxValue : _segments.First(s + 1);
            bool torn = false;
            if (_reader.Begin(_fs, _segments.Path(s), _segments.Number(s)) != FixLogFormat.HeaderValid)
            {
                torn = true;
            }
            else
            {
                while (true)
                {
                    int kind = _reader.Next();
                    if (kind == SegmentReader.KindFix)
                    {
                        long seq = _reader.LastFixSeq;
                        if (seq >= end)
                        {
                            break;
                        }

                        MarkCorrupt(expected, seq);
                        expected = seq + 1;
                        if (active)
                        {
                            _newest.CopyFrom(_reader.Codec);
                            _newestSeq = seq;
                        }
                    }
                    else if (kind == SegmentReader.KindCommit)
                    {
                        if (_reader.CommitNewest >= 0)
                        {
                            _committed.Add(_reader.CommitNewest, _reader.CommitNewest + 1);
                        }

                        _committed.Add(_reader.CommitFrom, _reader.CommitTo);
                    }
                    else if (kind == SegmentReader.KindBad)
                    {
                        if (!_reader.Resync())
                        {
                            torn = true;
                            break;
                        }
                    }
                    else if (kind == SegmentReader.KindEnd)
                    {
                        break;
                    }
                }
            }

            if (!active)
            {
                MarkCorrupt(expected, end);
                return;
            }

            int length = SafeLength(_segments.Path(s));
            _segments.SetLastLength(length);
            _nextSeq = expected;
            if (_newestSeq != _nextSeq - 1)
            {
                _newestSeq = -1;
            }

            if (torn || _reader.ReadFailed || _reader.Path == null || _reader.Offset < length)
            {
                // Never append after bytes that are not a valid record: start a new segment.
                _needsNewSegment = true;
                return;
            }

            _encoder.CopyFrom(_reader.Codec);
            _fixesSinceKeyframe = _reader.FixesSinceKeyframe;
            _activeSeed = _reader.Seed;
        }

        private int SafeLength(string path)
        {
            try
            {
                int length = _fs.Length(path);
                return length < 0 ? 0 : length;
            }
            catch (Exception)
            {
                _storageErrors++;
                return 0;
            }
        }
    }
}
