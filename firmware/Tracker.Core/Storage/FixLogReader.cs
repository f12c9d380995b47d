using Tracker.Core.Fixes;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// Reads the <see cref="FixLog"/>'s fixes by sequence number, for batches: finds the segment that
    /// holds one, positions the <see cref="SegmentReader"/> (reading on from where it is when it can,
    /// so a backlog is read in one pass), and, when the bytes are damaged, marks the unreadable run as
    /// done in the <see cref="CommitLedger"/> so it is neither offered nor read again.
    /// </summary>
    /// <remarks>Not thread-safe: <see cref="FixLog"/> calls it under its lock.</remarks>
    internal sealed class FixLogReader
    {
        /// <summary>The fix was read.</summary>
        internal const int ReadOk = 0;

        /// <summary>The fix (and the run after it, up to the returned next) is unreadable and was marked done.</summary>
        internal const int ReadCorrupt = 1;

        /// <summary>The file system failed; try again later.</summary>
        internal const int ReadFailed = 2;

        private readonly IFlashFileSystem _fs;
        private readonly SegmentTable _segments;
        private readonly CommitLedger _ledger;
        private readonly SegmentReader _reader;

        /// <summary>Creates the reader of a log whose segments and ledger are given.</summary>
        /// <param name="fs">The file system.</param>
        /// <param name="segments">The segments.</param>
        /// <param name="ledger">Where unreadable runs are marked done.</param>
        /// <param name="reader">The segment reader (shared with recovery, to keep one buffer).</param>
        internal FixLogReader(IFlashFileSystem fs, SegmentTable segments, CommitLedger ledger, SegmentReader reader)
        {
            _fs = fs;
            _segments = segments;
            _ledger = ledger;
            _reader = reader;
        }

        /// <summary>
        /// Reads fix <paramref name="seq"/> (not taken) into <paramref name="fix"/>. When it is
        /// unreadable, marks the unreadable run from it (up to <paramref name="limit"/>) as corrupt and
        /// sets <paramref name="next"/> past it.
        /// </summary>
        /// <param name="seq">The sequence number.</param>
        /// <param name="limit">Where the run being read ends.</param>
        /// <param name="nextSeq">The log's next sequence number (the end of the active segment).</param>
        /// <param name="fix">Receives the fix.</param>
        /// <param name="next">The sequence number to read next.</param>
        /// <returns><see cref="ReadOk"/>, <see cref="ReadCorrupt"/> or <see cref="ReadFailed"/>.</returns>
        internal int ReadFix(long seq, long limit, long nextSeq, ref Fix fix, out long next)
        {
            next = seq + 1;
            int si = _segments.IndexOf(seq);
            if (si < 0)
            {
                next = _segments.Count > 0 && _segments.First(0) < limit ? _segments.First(0) : limit;
                _ledger.MarkCorrupt(seq, next);
                return ReadCorrupt;
            }

            long segmentEnd = si + 1 < _segments.Count ? _segments.First(si + 1) : nextSeq;
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
                _ledger.MarkCorrupt(seq, stop);
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
                    _ledger.MarkCorrupt(seq, next);
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
                _ledger.MarkCorrupt(seq, stop);
                return ReadCorrupt;
            }
        }
    }
}
