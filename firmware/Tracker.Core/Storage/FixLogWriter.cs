using System;
using Tracker.Core.Fixes;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// The <see cref="FixLog"/>'s writes to flash: fix records (a keyframe, then deltas) and commit
    /// records appended to the active segment, a new segment (header and snapshot under a temporary
    /// name, then renamed) when the active one is full or its tail is not clean, eviction of the
    /// oldest segments by the capacity rule, and collection of fully committed ones. Nothing is ever
    /// appended after bytes that are not a valid record (Storage/README.md, "Crash safety").
    /// </summary>
    /// <remarks>Not thread-safe: <see cref="FixLog"/> calls it under its lock.</remarks>
    internal sealed class FixLogWriter
    {
        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly FixLogOptions _options;
        private readonly SegmentTable _segments;
        private readonly CommitLedger _ledger;
        private readonly SegmentReader _reader;
        private readonly FixRecordCodec _encoder = new FixRecordCodec();
        private readonly byte[] _work;
        private uint _activeSeed;
        private int _fixesSinceKeyframe;

        /// <summary>Creates the writer of a log whose segments, ledger and reader are given.</summary>
        /// <param name="fs">The file system.</param>
        /// <param name="directory">The log's directory.</param>
        /// <param name="options">Sizing.</param>
        /// <param name="segments">The segments (shared with the reader).</param>
        /// <param name="ledger">The committed set, written into each new segment's snapshot.</param>
        /// <param name="reader">The segment reader, reset when its segment is deleted.</param>
        internal FixLogWriter(IFlashFileSystem fs, string directory, FixLogOptions options, SegmentTable segments, CommitLedger ledger, SegmentReader reader)
        {
            _fs = fs;
            _directory = directory;
            _options = options;
            _segments = segments;
            _ledger = ledger;
            _reader = reader;
            int work = FixLogFormat.HeaderSize + FixLogFormat.MaxSnapshotBytes(options.MaxCommitRanges);
            _work = new byte[work > FixLogFormat.MaxRecordBytes ? work : FixLogFormat.MaxRecordBytes];
            NextNumber = 1;
        }

        /// <summary>True when the next write must start a new segment (none yet, or the active one's tail is not clean).</summary>
        internal bool NeedsNewSegment { get; set; }

        /// <summary>The number the next segment file gets.</summary>
        internal int NextNumber { get; set; }

        /// <summary>File-system operations that failed.</summary>
        internal long StorageErrors { get; private set; }

        /// <summary>Uncommitted fixes dropped by the capacity rule.</summary>
        internal long Evicted { get; private set; }

        /// <summary>
        /// Appends fix <paramref name="seq"/> to the active segment: a keyframe when a segment starts or
        /// every <see cref="FixLogOptions.KeyframeInterval"/> fixes, a delta otherwise; a new segment when
        /// it would not fit. Allocates nothing unless a segment is created.
        /// </summary>
        /// <param name="fix">The fix.</param>
        /// <param name="seq">Its sequence number (the log's next).</param>
        /// <returns>False on a storage error (the fix is not in the log).</returns>
        internal bool AppendFix(ref Fix fix, long seq)
        {
            bool newSegment = NeedsNewSegment || _segments.Count == 0;
            bool keyframe = newSegment || !_encoder.HasFix || _fixesSinceKeyframe >= _options.KeyframeInterval;
            int length = 0;
            if (!newSegment)
            {
                length = EncodeFix(ref fix, keyframe, seq);
                newSegment = _segments.Length(_segments.Count - 1) + length > _options.SegmentBytes;
            }

            if (newSegment)
            {
                if (!StartSegment(seq))
                {
                    return false;
                }

                keyframe = true;
                length = EncodeFix(ref fix, true, seq);
            }

            if (!AppendWork(length))
            {
                return false;
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

            return true;
        }

        /// <summary>Appends the commit record of <paramref name="batch"/> (in a new segment when the active one has no room for a record).</summary>
        /// <param name="batch">The batch.</param>
        /// <param name="nextSeq">The log's next sequence number.</param>
        /// <returns>False on a storage error (nothing is committed).</returns>
        internal bool AppendCommit(LogBatch batch, long nextSeq)
        {
            if (NeedsNewSegment
                || _segments.Count == 0
                || _segments.Length(_segments.Count - 1) + FixLogFormat.MaxRecordBytes > _options.SegmentBytes)
            {
                if (!StartSegment(nextSeq))
                {
                    return false;
                }
            }

            return AppendWork(CommitLedger.WriteCommitRecord(batch, _segments.First(_segments.Count - 1), _activeSeed, _work));
        }

        /// <summary>Continues the active segment found on open: the next delta is encoded against its last fix.</summary>
        /// <param name="codec">The reader's state after the segment's last record.</param>
        /// <param name="fixesSinceKeyframe">Fixes since its last keyframe.</param>
        /// <param name="seed">Its CRC seed.</param>
        internal void Continue(FixRecordCodec codec, int fixesSinceKeyframe, uint seed)
        {
            _encoder.CopyFrom(codec);
            _fixesSinceKeyframe = fixesSinceKeyframe;
            _activeSeed = seed;
        }

        /// <summary>Deletes sealed segments whose records are all committed, oldest first.</summary>
        /// <param name="nextSeq">The log's next sequence number.</param>
        internal void CollectCommitted(long nextSeq)
        {
            while (_segments.Count >= 2 && _ledger.Committed.Floor >= _segments.First(1))
            {
                if (!DeleteOldest(false, nextSeq))
                {
                    return;
                }
            }
        }

        /// <summary>Deletes a file, counting a failure.</summary>
        /// <param name="path">The file.</param>
        internal void TryDelete(string path)
        {
            try
            {
                _fs.Delete(path);
            }
            catch (Exception)
            {
                StorageErrors++;
            }
        }

        /// <summary>A file's length, 0 (and a counted failure) when it cannot be read.</summary>
        /// <param name="path">The file.</param>
        /// <returns>Its length.</returns>
        internal int SafeLength(string path)
        {
            try
            {
                int length = _fs.Length(path);
                return length < 0 ? 0 : length;
            }
            catch (Exception)
            {
                StorageErrors++;
                return 0;
            }
        }

        private int EncodeFix(ref Fix fix, bool keyframe, long seq)
        {
            int end = keyframe
                ? FixRecordCodec.WriteKeyframe(ref fix, seq - _segments.First(_segments.Count - 1), _work, 0)
                : _encoder.WriteDelta(ref fix, _work, 0);
            return FixLogFormat.SealRecord(_activeSeed, _work, 0, end);
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
                StorageErrors++;
                NeedsNewSegment = true;
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
                    StorageErrors++;
                }

                return false;
            }

            _segments.GrowLast(length);
            return true;
        }

        // Seals the active segment and starts the next: evicts the oldest segments until a full
        // segment fits in the capacity, writes header and snapshot under a temporary name, and
        // renames it, so that a segment file with its final name always has a complete header.
        private bool StartSegment(long nextSeq)
        {
            while (_segments.Count > 0 && _segments.TotalBytes + _options.SegmentBytes > _options.CapacityBytes)
            {
                if (!DeleteOldest(true, nextSeq))
                {
                    return false;
                }
            }

            int number = NextNumber++;
            string temporary = _fs.Combine(_directory, FixLogFormat.SegmentName(number, true));
            string path = _fs.Combine(_directory, FixLogFormat.SegmentName(number, false));
            uint seed = FixLogFormat.WriteHeader(_work, number, nextSeq);
            int length = FixLogFormat.HeaderSize + _ledger.WriteSnapshot(nextSeq, seed, _work, FixLogFormat.HeaderSize);
            try
            {
                _fs.Append(temporary, _work, 0, length);
                _fs.Rename(temporary, path);
            }
            catch (Exception)
            {
                StorageErrors++;
                TryDelete(temporary);
                return false;
            }

            _segments.Add(number, path, nextSeq, length);
            _activeSeed = seed;
            _encoder.HasFix = false;
            _fixesSinceKeyframe = 0;
            NeedsNewSegment = false;
            return true;
        }

        // Deletes the oldest segment: by the capacity rule (evicting: its uncommitted records are
        // counted) or because everything in it is committed.
        private bool DeleteOldest(bool evicting, long nextSeq)
        {
            long first = _segments.First(0);
            long end = _segments.Count > 1 ? _segments.First(1) : nextSeq;
            try
            {
                _fs.Delete(_segments.Path(0));
            }
            catch (Exception)
            {
                StorageErrors++;
                return false;
            }

            if (evicting)
            {
                Evicted += _ledger.Uncommitted(first, end);
            }

            if (_reader.Path != null && _reader.Number == _segments.Number(0))
            {
                _reader.Reset();
            }

            _segments.RemoveOldest();
            _ledger.RaiseFloor(_segments.Count > 0 ? _segments.First(0) : nextSeq);
            if (_segments.Count == 0)
            {
                NeedsNewSegment = true;
            }

            return true;
        }
    }
}
