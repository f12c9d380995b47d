namespace Tracker.Core.Storage
{
    /// <summary>
    /// Opens a <see cref="FixLog"/>'s directory after whatever a power cut or bad flash left
    /// (Storage/README.md, "Crash safety" and "Bad bytes"): deletes temporary files, skips and counts
    /// foreign, newer and damaged files, orders the segments, rebuilds the committed set from the
    /// newest readable snapshot and the commit records after it, and scans the active segment for
    /// its valid end, its newest fix and the encoder state to continue from. Sealed segments are
    /// only checked by header here. Never throws on bad bytes.
    /// </summary>
    internal sealed class FixLogRecovery
    {
        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly SegmentTable _segments;
        private readonly CommitLedger _ledger;
        private readonly FixLogWriter _writer;
        private readonly SegmentReader _reader;
        private readonly FixRecordCodec _newest;

        /// <summary>Prepares the recovery of the given parts of a log.</summary>
        /// <param name="fs">The file system.</param>
        /// <param name="directory">The log's directory.</param>
        /// <param name="segments">Filled with the readable segments.</param>
        /// <param name="ledger">Filled with the committed set.</param>
        /// <param name="writer">Told where the next write goes.</param>
        /// <param name="reader">The segment reader (left reset).</param>
        /// <param name="newest">Receives the newest fix, when the active segment holds it.</param>
        internal FixLogRecovery(IFlashFileSystem fs, string directory, SegmentTable segments, CommitLedger ledger, FixLogWriter writer, SegmentReader reader, FixRecordCodec newest)
        {
            _fs = fs;
            _directory = directory;
            _segments = segments;
            _ledger = ledger;
            _writer = writer;
            _reader = reader;
            _newest = newest;
            NewestSeq = -1;
        }

        /// <summary>The next sequence number to append.</summary>
        internal long NextSeq { get; private set; }

        /// <summary>The newest fix's sequence number when <c>newest</c> holds it, else -1.</summary>
        internal long NewestSeq { get; private set; }

        /// <summary>Files left alone: foreign names, newer versions, bad headers, segments out of order.</summary>
        internal long SkippedFiles { get; private set; }

        /// <summary>Recovers the log.</summary>
        /// <remarks>Only a file system that cannot create or list the directory makes this throw (its own exception).</remarks>
        internal void Run()
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
                    SkippedFiles++;
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
                    _writer.TryDelete(path);
                    continue;
                }

                if (_reader.Begin(_fs, path, number) != FixLogFormat.HeaderValid)
                {
                    SkippedFiles++;
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
            _writer.NextNumber = maxNumber + 1;
            for (int i = 0; i < found; i++)
            {
                // Sequence numbers only grow with segment numbers; a segment that breaks the
                // order is not trusted.
                if (_segments.Count > 0 && firsts[i] < _segments.First(_segments.Count - 1))
                {
                    SkippedFiles++;
                    continue;
                }

                _segments.Add(numbers[i], paths[i], firsts[i], _writer.SafeLength(paths[i]));
            }

            if (_segments.Count == 0)
            {
                NextSeq = 0;
                _ledger.Clear(0);
                _writer.NeedsNewSegment = true;
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

            SeqRangeSet committed = _ledger.Committed;
            if (k < 0)
            {
                committed.Clear(_segments.First(0));
                k = 0;
            }
            else
            {
                committed.Clear(_reader.SnapshotFloor);
                for (int i = 0; i < _reader.SnapshotCount; i++)
                {
                    committed.Add(_reader.SnapshotStart(i), _reader.SnapshotEnd(i));
                }
            }

            for (int s = k; s <= last; s++)
            {
                ScanSegment(s, s == last);
            }

            _reader.Reset();
            committed.RemoveFrom(NextSeq);
            committed.RaiseFloor(_segments.First(0));
            _ledger.TakeOnlyCommitted();
            _writer.CollectCommitted(NextSeq);
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

                        _ledger.MarkCorrupt(expected, seq);
                        expected = seq + 1;
                        if (active)
                        {
                            _newest.CopyFrom(_reader.Codec);
                            NewestSeq = seq;
                        }
                    }
                    else if (kind == SegmentReader.KindCommit)
                    {
                        if (_reader.CommitNewest >= 0)
                        {
                            _ledger.Committed.Add(_reader.CommitNewest, _reader.CommitNewest + 1);
                        }

                        _ledger.Committed.Add(_reader.CommitFrom, _reader.CommitTo);
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
                _ledger.MarkCorrupt(expected, end);
                return;
            }

            int length = _writer.SafeLength(_segments.Path(s));
            _segments.SetLastLength(length);
            NextSeq = expected;
            if (NewestSeq != NextSeq - 1)
            {
                NewestSeq = -1;
            }

            if (torn || _reader.ReadFailed || _reader.Path == null || _reader.Offset < length)
            {
                // Never append after bytes that are not a valid record: start a new segment.
                _writer.NeedsNewSegment = true;
                return;
            }

            _writer.Continue(_reader.Codec, _reader.FixesSinceKeyframe, _reader.Seed);
        }
    }
}
