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
    /// <para>The parts, each under this class's lock: <see cref="FixLogWriter"/> (records, segments,
    /// eviction), <see cref="FixLogReader"/> (fixes by sequence number), <see cref="CommitLedger"/>
    /// (the committed and taken sets, reservations, commit and snapshot records) and
    /// <see cref="FixLogRecovery"/> (open).</para>
    /// </remarks>
    public sealed class FixLog
    {
        private readonly object _sync = new object();
        private readonly SegmentTable _segments = new SegmentTable();
        private readonly CommitLedger _ledger;
        private readonly FixLogWriter _writer;
        private readonly FixLogReader _reader;
        private readonly FixRecordCodec _newest = new FixRecordCodec();
        private long _nextSeq;
        private long _newestSeq = -1;
        private long _appended;
        private long _skippedFiles;

        private FixLog(IFlashFileSystem fs, string directory, FixLogOptions options)
        {
            SegmentReader segmentReader = new SegmentReader(options.MaxCommitRanges);
            _ledger = new CommitLedger(options.MaxCommitRanges);
            _writer = new FixLogWriter(fs, directory, options, _segments, _ledger, segmentReader);
            _reader = new FixLogReader(fs, _segments, _ledger, segmentReader);
            FixLogRecovery recovery = new FixLogRecovery(fs, directory, _segments, _ledger, _writer, segmentReader, _newest);
            recovery.Run();
            _nextSeq = recovery.NextSeq;
            _newestSeq = recovery.NewestSeq;
            _skippedFiles = recovery.SkippedFiles;
        }

        /// <summary>Fixes appended since the log was opened.</summary>
        public long Appended
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _appended;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>Fixes in batches committed since the log was opened.</summary>
        public long Committed
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _ledger.CommittedFixes;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>
        /// Uncommitted fixes dropped by the capacity rule since the log was opened. A fix that was in
        /// a batch in flight when it was evicted is counted here, and still delivered by that batch.
        /// </summary>
        public long Evictions
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _writer.Evicted;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>Fixes found unreadable (bad bytes on flash) and skipped since the log was opened.</summary>
        public long CorruptRecords
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _ledger.Corrupt;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>
        /// Files in the log's directory left alone when it was opened: foreign names, segments of a
        /// newer format version, segments with a bad header. They are never read, written or deleted.
        /// </summary>
        public long SkippedFiles
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _skippedFiles;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>File-system operations that failed since the log was opened.</summary>
        public long StorageErrors
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _writer.StorageErrors;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>Fixes not yet committed (including those in batches in flight).</summary>
        public long PendingCount
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _ledger.Pending(_nextSeq);
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

            return new FixLog(fs, directory, options);
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
                if (!_writer.AppendFix(ref fix, _nextSeq))
                {
                    return FixLogResult.StorageError;
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
                if (batch.State == LogBatch.StateTaken && batch.Owner == this && batch.Epoch == _ledger.Epoch)
                {
                    throw new InvalidOperationException("The batch is still in flight: commit it, or Rewind, before reusing it");
                }

                batch.Clear();
                SeqRangeSet committed = _ledger.Committed;
                SeqRangeSet taken = _ledger.Taken;
                int count = 0;
                int reserved = 0;

                // Each batch in flight reserves the committed ranges its commit can add, so that a
                // commit never overflows the table: one for a newest-first lead, one for a backlog
                // range unless it starts at the committed floor (it then merges into it).
                int room = _ledger.Room;
                int backlogNeed = taken.NextNonMember(committed.Floor) == committed.Floor ? 0 : 1;
                if (_newestSeq >= 0 && _newestSeq == _nextSeq - 1 && !taken.Contains(_newestSeq) && room >= 2)
                {
                    _newest.CopyTo(ref output[0]);
                    batch.NewestSeq = _newestSeq;
                    taken.Add(_newestSeq, _newestSeq + 1);
                    count = 1;
                    reserved = 1;
                    backlogNeed = taken.NextNonMember(committed.Floor) == committed.Floor ? 0 : 1;
                }

                long from = taken.NextNonMember(committed.Floor);
                if (room - reserved < backlogNeed)
                {
                    max = count; // no room for a backlog range until a batch in flight commits
                }

                long pos = from;
                bool stop = false;
                while (!stop && count < max && pos < _nextSeq)
                {
                    if (taken.Contains(pos))
                    {
                        // Committed records may sit inside the range (a newest-first commit); a
                        // record in another batch in flight may not.
                        if (!committed.Contains(pos))
                        {
                            break;
                        }

                        pos = committed.EndOfRun(pos);
                        continue;
                    }

                    long runEnd = taken.NextMember(pos);
                    if (runEnd > _nextSeq)
                    {
                        runEnd = _nextSeq;
                    }

                    while (count < max && pos < runEnd)
                    {
                        long next;
                        int result = _reader.ReadFix(pos, runEnd, _nextSeq, ref output[count], out next);
                        if (result == FixLogReader.ReadOk)
                        {
                            count++;
                            pos++;
                        }
                        else if (result == FixLogReader.ReadCorrupt)
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
                    taken.Add(from, pos);
                    reserved += backlogNeed;
                }

                batch.FromSeq = from;
                batch.ToSeq = pos;
                batch.Count = count;
                if (count > 0)
                {
                    batch.State = LogBatch.StateTaken;
                    batch.Owner = this;
                    batch.Epoch = _ledger.Epoch;
                    batch.Reserved = reserved;
                    _ledger.Reserve(reserved);
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

                bool current = batch.Owner == this && batch.Epoch == _ledger.Epoch;
                if (!current && !_ledger.FitsLateCommit)
                {
                    return FixLogResult.NotRecorded;
                }

                if (!_writer.AppendCommit(batch, _nextSeq))
                {
                    return FixLogResult.StorageError;
                }

                _ledger.Apply(batch, current);
                batch.State = LogBatch.StateCommitted;
                _writer.CollectCommitted(_nextSeq);
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
                _ledger.Rewind();
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }
    }
}
