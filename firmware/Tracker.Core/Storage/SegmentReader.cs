using System;
using Tracker.Core.Common;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// Reads one segment file record by record, through a fixed buffer, validating every record's
    /// CRC before it changes any state. Never throws on bad bytes: a record that does not decode is
    /// reported as <see cref="KindBad"/>, and <see cref="Resync"/> looks for the next keyframe.
    /// </summary>
    internal sealed class SegmentReader
    {
        /// <summary>No more complete records (end of the file, at a record boundary).</summary>
        internal const int KindEnd = 0;

        /// <summary>A fix: read it from <see cref="Codec"/>; its sequence number is <see cref="LastFixSeq"/>.</summary>
        internal const int KindFix = 1;

        /// <summary>A commit record: <see cref="CommitNewest"/>, <see cref="CommitFrom"/>, <see cref="CommitTo"/>.</summary>
        internal const int KindCommit = 2;

        /// <summary>The snapshot record: <see cref="SnapshotFloor"/> and the snapshot ranges.</summary>
        internal const int KindSnapshot = 3;

        /// <summary>Bytes at <see cref="Offset"/> are not a valid record (torn, foreign or corrupt).</summary>
        internal const int KindBad = 4;

        private readonly byte[] _buffer;
        private readonly FixRecordCodec _scratch = new FixRecordCodec();
        private readonly long[] _snapStarts;
        private readonly long[] _snapEnds;
        private IFlashFileSystem? _fs;
        private string? _path;
        private int _bufferFileOffset;
        private int _bufferCount;
        private int _pos;
        private bool _firstRecord;

        /// <summary>Creates a reader whose buffer holds the largest record for <paramref name="maxRanges"/> snapshot ranges.</summary>
        /// <param name="maxRanges">Most committed ranges a snapshot may carry.</param>
        internal SegmentReader(int maxRanges)
        {
            int size = FixLogFormat.HeaderSize + FixLogFormat.MaxSnapshotBytes(maxRanges) + FixLogFormat.MaxRecordBytes;
            _buffer = new byte[size < 512 ? 512 : size];
            _snapStarts = new long[maxRanges];
            _snapEnds = new long[maxRanges];
        }

        /// <summary>The decoding state; after <see cref="KindFix"/> it holds that fix.</summary>
        internal FixRecordCodec Codec { get; } = new FixRecordCodec();

        /// <summary>The segment being read, or null.</summary>
        internal string? Path
        {
            get { return _path; }
        }

        /// <summary>The segment's number (from its name).</summary>
        internal int Number { get; private set; }

        /// <summary>Sequence number of the segment's first fix.</summary>
        internal long FirstSeq { get; private set; }

        /// <summary>The header CRC, which seeds every record CRC.</summary>
        internal uint Seed { get; private set; }

        /// <summary>Index (from the segment's first) of the next fix the stream should contain.</summary>
        internal long NextIndex { get; private set; }

        /// <summary>Sequence number of the last fix returned, or -1.</summary>
        internal long LastFixSeq { get; private set; }

        /// <summary>Fixes read since (and including) the last keyframe.</summary>
        internal int FixesSinceKeyframe { get; private set; }

        /// <summary>True when a file read threw: what follows is unknown, not necessarily bad.</summary>
        internal bool ReadFailed { get; private set; }

        /// <summary>File offset of the next record (after <see cref="KindEnd"/>: the valid end).</summary>
        internal int Offset
        {
            get { return _bufferFileOffset + _pos; }
        }

        /// <summary>After <see cref="KindCommit"/>: the newest record committed, or -1.</summary>
        internal long CommitNewest { get; private set; }

        /// <summary>After <see cref="KindCommit"/>: first record of the committed backlog range.</summary>
        internal long CommitFrom { get; private set; }

        /// <summary>After <see cref="KindCommit"/>: one past the last record of the backlog range.</summary>
        internal long CommitTo { get; private set; }

        /// <summary>After <see cref="KindSnapshot"/>: every record below this was committed.</summary>
        internal long SnapshotFloor { get; private set; }

        /// <summary>After <see cref="KindSnapshot"/>: ranges kept (at most the reader's capacity).</summary>
        internal int SnapshotCount { get; private set; }

        /// <summary>Start of snapshot range <paramref name="i"/>.</summary>
        /// <param name="i">Index.</param>
        /// <returns>First record of the range.</returns>
        internal long SnapshotStart(int i)
        {
            return _snapStarts[i];
        }

        /// <summary>End of snapshot range <paramref name="i"/>.</summary>
        /// <param name="i">Index.</param>
        /// <returns>One past the last record of the range.</returns>
        internal long SnapshotEnd(int i)
        {
            return _snapEnds[i];
        }

        /// <summary>Opens a segment and checks its header.</summary>
        /// <param name="fs">The file system.</param>
        /// <param name="path">The segment's path.</param>
        /// <param name="number">The number in its name.</param>
        /// <returns>A <see cref="FixLogFormat"/> header result; <see cref="FixLogFormat.HeaderBad"/> when the read fails too.</returns>
        internal int Begin(IFlashFileSystem fs, string path, int number)
        {
            _fs = fs;
            _path = path;
            Number = number;
            FirstSeq = 0;
            Seed = 0;
            NextIndex = 0;
            LastFixSeq = -1;
            FixesSinceKeyframe = 0;
            ReadFailed = false;
            Codec.HasFix = false;
            _bufferFileOffset = 0;
            _bufferCount = 0;
            _pos = 0;
            _firstRecord = true;
            Fill(_buffer.Length);
            long firstSeq;
            uint seed;
            int status = FixLogFormat.ReadHeader(_buffer, _bufferCount, number, out firstSeq, out seed);
            if (status != FixLogFormat.HeaderValid)
            {
                _path = null;
                return status;
            }

            FirstSeq = firstSeq;
            Seed = seed;
            _pos = FixLogFormat.HeaderSize;
            return status;
        }

        /// <summary>Forgets the segment (the next use must call <see cref="Begin"/>).</summary>
        internal void Reset()
        {
            _path = null;
            Codec.HasFix = false;
            LastFixSeq = -1;
        }

        /// <summary>Reads the next record.</summary>
        /// <returns>One of the Kind constants.</returns>
        internal int Next()
        {
            if (_path == null)
            {
                return KindEnd;
            }

            Fill(FixLogFormat.MaxRecordBytes);
            int end = _bufferCount;
            int start = _pos;
            if (start >= end)
            {
                return KindEnd;
            }

            int tag = _buffer[start];
            int o = start + 1;
            int kind;
            if (tag < FixLogFormat.TagDeltaLimit)
            {
                if (!Codec.HasFix)
                {
                    return KindBad;
                }

                _scratch.CopyFrom(Codec);
                if (!_scratch.TryReadDelta(tag, _buffer, ref o, end) || !CheckCrc(start, ref o, end))
                {
                    return KindBad;
                }

                Codec.CopyFrom(_scratch);
                FixesSinceKeyframe++;
                kind = KindFix;
            }
            else if (tag == FixLogFormat.TagKeyframe)
            {
                long index;
                if (!_scratch.TryReadKeyframe(_buffer, ref o, end, out index) || index != NextIndex || !CheckCrc(start, ref o, end))
                {
                    return KindBad;
                }

                Codec.CopyFrom(_scratch);
                FixesSinceKeyframe = 1;
                kind = KindFix;
            }
            else if (tag == FixLogFormat.TagCommit)
            {
                if (!TryReadCommit(ref o, end) || !CheckCrc(start, ref o, end))
                {
                    return KindBad;
                }

                kind = KindCommit;
            }
            else if (tag == FixLogFormat.TagSnapshot && _firstRecord)
            {
                // Begin filled the whole buffer from offset 0, and the buffer holds the header plus
                // the largest snapshot, so the snapshot is entirely buffered (or the file ends).
                if (!TryReadSnapshot(ref o, end) || !CheckCrc(start, ref o, end))
                {
                    return KindBad;
                }

                kind = KindSnapshot;
            }
            else
            {
                return KindBad;
            }

            if (kind == KindFix)
            {
                LastFixSeq = FirstSeq + NextIndex;
                NextIndex++;
            }

            _firstRecord = false;
            _pos = o;
            return kind;
        }

        /// <summary>
        /// After <see cref="KindBad"/>: scans forward for the next valid keyframe (whose index is not
        /// below <see cref="NextIndex"/>) and positions the reader on it, so that <see cref="Next"/>
        /// returns it. Fixes between are lost to the delta chain.
        /// </summary>
        /// <returns>False when the segment has no later keyframe (the reader is then at the end).</returns>
        internal bool Resync()
        {
            if (_path == null)
            {
                return false;
            }

            _pos++;
            while (true)
            {
                Fill(FixLogFormat.MaxRecordBytes);
                if (_pos >= _bufferCount)
                {
                    return false;
                }

                if (_buffer[_pos] == FixLogFormat.TagKeyframe)
                {
                    int o = _pos + 1;
                    long index;
                    if (_scratch.TryReadKeyframe(_buffer, ref o, _bufferCount, out index)
                        && index >= NextIndex
                        && CheckCrc(_pos, ref o, _bufferCount))
                    {
                        NextIndex = index;
                        Codec.HasFix = false;
                        _firstRecord = false;
                        return true;
                    }
                }

                _pos++;
            }
        }

        private bool TryReadCommit(ref int o, int end)
        {
            ulong flags;
            long newest = -1;
            long from;
            ulong length;
            if (!Varint.TryRead(_buffer, ref o, end, out flags) || flags > 1)
            {
                return false;
            }

            if (flags == 1)
            {
                long rel;
                if (!FixRecordCodec.TryReadSigned(_buffer, ref o, end, out rel))
                {
                    return false;
                }

                newest = FirstSeq + rel;
                if (newest < 0)
                {
                    return false;
                }
            }

            long relFrom;
            if (!FixRecordCodec.TryReadSigned(_buffer, ref o, end, out relFrom)
                || !Varint.TryRead(_buffer, ref o, end, out length)
                || length > int.MaxValue)
            {
                return false;
            }

            from = FirstSeq + relFrom;
            if (from < 0)
            {
                return false;
            }

            CommitNewest = newest;
            CommitFrom = from;
            CommitTo = from + (long)length;
            return true;
        }

        private bool TryReadSnapshot(ref int o, int end)
        {
            long relFloor;
            ulong count;
            if (!FixRecordCodec.TryReadSigned(_buffer, ref o, end, out relFloor)
                || !Varint.TryRead(_buffer, ref o, end, out count)
                || count > 0xFFFF)
            {
                return false;
            }

            long floor = FirstSeq + relFloor;
            if (floor < 0)
            {
                return false;
            }

            long prev = floor;
            int kept = 0;
            for (ulong i = 0; i < count; i++)
            {
                ulong gap;
                ulong length;
                if (!Varint.TryRead(_buffer, ref o, end, out gap)
                    || !Varint.TryRead(_buffer, ref o, end, out length)
                    || gap > int.MaxValue
                    || length > int.MaxValue)
                {
                    return false;
                }

                long start = prev + (long)gap;
                long stop = start + (long)length;
                if (kept < _snapStarts.Length)
                {
                    _snapStarts[kept] = start;
                    _snapEnds[kept] = stop;
                    kept++;
                }

                prev = stop;
            }

            SnapshotFloor = floor;
            SnapshotCount = kept;
            return true;
        }

        private bool CheckCrc(int start, ref int o, int end)
        {
            if (o + FixLogFormat.CrcSize > end)
            {
                return false;
            }

            uint crc = FixLogFormat.RecordCrc(Seed, _buffer, start, o - start);
            if (crc != FixLogFormat.ReadUInt32(_buffer, o))
            {
                return false;
            }

            o += FixLogFormat.CrcSize;
            return true;
        }

        // Makes at least 'need' bytes available from _pos, unless the file ends first. A read that
        // throws leaves what is buffered and sets ReadFailed.
        private void Fill(int need)
        {
            if (_bufferCount - _pos >= need || _fs == null || _path == null)
            {
                return;
            }

            if (_pos > 0)
            {
                int keep = _bufferCount - _pos;
                if (keep > 0)
                {
                    Array.Copy(_buffer, _pos, _buffer, 0, keep);
                }

                _bufferFileOffset += _pos;
                _bufferCount = keep;
                _pos = 0;
            }

            while (_bufferCount < _buffer.Length)
            {
                int n;
                try
                {
                    n = _fs.ReadAt(_path, _bufferFileOffset + _bufferCount, _buffer, _bufferCount, _buffer.Length - _bufferCount);
                }
                catch (Exception)
                {
                    ReadFailed = true;
                    return;
                }

                if (n <= 0)
                {
                    return;
                }

                _bufferCount += n;
            }
        }
    }
}
