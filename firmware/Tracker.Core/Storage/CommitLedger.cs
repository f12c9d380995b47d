using Tracker.Core.Common;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// What the <see cref="FixLog"/> knows about delivery: the committed set (every sequence number
    /// below a floor, plus at most <see cref="FixLogOptions.MaxCommitRanges"/> ranges), the set taken
    /// by batches in flight, the committed-range room those batches reserve, and the rewind epoch that
    /// tells a current batch from one handed back. It also writes its own records: a commit record per
    /// batch, and the snapshot that opens every segment (Storage/README.md, "The committed set").
    /// </summary>
    /// <remarks>Not thread-safe: <see cref="FixLog"/> calls it under its lock.</remarks>
    internal sealed class CommitLedger
    {
        /// <summary>Creates an empty ledger for <paramref name="maxRanges"/> committed ranges.</summary>
        /// <param name="maxRanges">The committed-range table's size.</param>
        internal CommitLedger(int maxRanges)
        {
            Committed = new SeqRangeSet(maxRanges);
            Taken = new SeqRangeSet(2 * maxRanges);
        }

        /// <summary>Sequence numbers delivered (or given up as unreadable).</summary>
        internal SeqRangeSet Committed { get; }

        /// <summary>Sequence numbers committed or in a batch in flight.</summary>
        internal SeqRangeSet Taken { get; }

        /// <summary>Committed ranges the batches in flight may still add.</summary>
        internal int Reserved { get; private set; }

        /// <summary>Incremented by every <see cref="Rewind"/>: a batch of an older epoch is no longer in flight.</summary>
        internal int Epoch { get; private set; }

        /// <summary>Fixes in batches committed since the log was opened.</summary>
        internal long CommittedFixes { get; private set; }

        /// <summary>Fixes found unreadable and marked done since the log was opened.</summary>
        internal long Corrupt { get; private set; }

        /// <summary>Ranges that a new reservation may still take.</summary>
        internal int Room
        {
            get { return Committed.Capacity - Committed.Count - Reserved; }
        }

        /// <summary>True when a commit of a batch from before the last rewind (it reserved nothing) still fits the table.</summary>
        internal bool FitsLateCommit
        {
            get { return Committed.Count + Reserved + 2 <= Committed.Capacity; }
        }

        /// <summary>Fixes below <paramref name="nextSeq"/> not yet committed.</summary>
        /// <param name="nextSeq">The next sequence number to append.</param>
        /// <returns>The count.</returns>
        internal long Pending(long nextSeq)
        {
            long floor = Committed.Floor;
            return nextSeq - floor - Committed.MembersIn(floor, nextSeq);
        }

        /// <summary>Fixes of [<paramref name="from"/>, <paramref name="to"/>) not committed (what an eviction of them loses).</summary>
        /// <param name="from">First sequence number.</param>
        /// <param name="to">One past the last.</param>
        /// <returns>The count.</returns>
        internal long Uncommitted(long from, long to)
        {
            return (to - from) - Committed.MembersIn(from, to);
        }

        /// <summary>Forgets everything: nothing below <paramref name="floor"/> exists, nothing above it is committed.</summary>
        /// <param name="floor">The first sequence number of the log.</param>
        internal void Clear(long floor)
        {
            Committed.Clear(floor);
            Taken.Clear(floor);
        }

        /// <summary>Nothing below <paramref name="floor"/> is in the log any more (its segments are gone).</summary>
        /// <param name="floor">The first sequence number left.</param>
        internal void RaiseFloor(long floor)
        {
            Committed.RaiseFloor(floor);
            Taken.RaiseFloor(floor);
        }

        /// <summary>Marks [<paramref name="from"/>, <paramref name="to"/>) as done because it cannot be read, counting what was not committed.</summary>
        /// <param name="from">First sequence number.</param>
        /// <param name="to">One past the last.</param>
        internal void MarkCorrupt(long from, long to)
        {
            if (to <= from)
            {
                return;
            }

            Corrupt += Uncommitted(from, to);
            Committed.Add(from, to);
            Taken.Add(from, to);
        }

        /// <summary>Forgets every batch in flight: their fixes are offered again, and their later commits are late.</summary>
        internal void Rewind()
        {
            Taken.CopyFrom(Committed);
            Reserved = 0;
            Epoch++;
        }

        /// <summary>After recovery: only the committed fixes are taken.</summary>
        internal void TakeOnlyCommitted()
        {
            Taken.CopyFrom(Committed);
        }

        /// <summary>Records the reservation of a batch now in flight.</summary>
        /// <param name="ranges">Committed ranges its commit may add.</param>
        internal void Reserve(int ranges)
        {
            Reserved += ranges;
        }

        /// <summary>Applies a commit whose record is on flash: its fixes are committed, and a current batch gives back its reservation.</summary>
        /// <param name="batch">The batch.</param>
        /// <param name="current">True when the batch was taken since the last rewind.</param>
        internal void Apply(LogBatch batch, bool current)
        {
            if (batch.NewestSeq >= 0)
            {
                Committed.Add(batch.NewestSeq, batch.NewestSeq + 1);
                Taken.Add(batch.NewestSeq, batch.NewestSeq + 1);
            }

            Committed.Add(batch.FromSeq, batch.ToSeq);
            Taken.Add(batch.FromSeq, batch.ToSeq);
            CommittedFixes += batch.Count;
            if (current)
            {
                Reserved -= batch.Reserved;
            }
        }

        /// <summary>
        /// Writes the commit record of <paramref name="batch"/> at the start of <paramref name="work"/>:
        /// tag, flags (bit 0: has newest), [newest - first], from - first, to - from, CRC.
        /// </summary>
        /// <param name="batch">The batch.</param>
        /// <param name="segmentFirstSeq">The active segment's first sequence number.</param>
        /// <param name="seed">The active segment's CRC seed.</param>
        /// <param name="work">The buffer.</param>
        /// <returns>The record's length.</returns>
        internal static int WriteCommitRecord(LogBatch batch, long segmentFirstSeq, uint seed, byte[] work)
        {
            int o = 0;
            work[o++] = FixLogFormat.TagCommit;
            if (batch.NewestSeq >= 0)
            {
                work[o++] = 1;
                o = Varint.Write(Varint.ZigZag(batch.NewestSeq - segmentFirstSeq), work, o);
            }
            else
            {
                work[o++] = 0;
            }

            o = Varint.Write(Varint.ZigZag(batch.FromSeq - segmentFirstSeq), work, o);
            o = Varint.Write((ulong)(batch.ToSeq - batch.FromSeq), work, o);
            return FixLogFormat.SealRecord(seed, work, 0, o);
        }

        /// <summary>
        /// Writes the snapshot record of the committed set at <paramref name="offset"/>: tag, floor -
        /// next, range count, then per range its gap from the previous end and its length, CRC.
        /// </summary>
        /// <param name="nextSeq">The new segment's first sequence number.</param>
        /// <param name="seed">The new segment's CRC seed.</param>
        /// <param name="work">The buffer.</param>
        /// <param name="offset">Where the record starts.</param>
        /// <returns>The record's length.</returns>
        internal int WriteSnapshot(long nextSeq, uint seed, byte[] work, int offset)
        {
            int o = offset;
            work[o++] = FixLogFormat.TagSnapshot;
            long floor = Committed.Floor;
            o = Varint.Write(Varint.ZigZag(floor - nextSeq), work, o);
            o = Varint.Write((ulong)Committed.Count, work, o);
            long prev = floor;
            for (int i = 0; i < Committed.Count; i++)
            {
                o = Varint.Write((ulong)(Committed.StartAt(i) - prev), work, o);
                o = Varint.Write((ulong)(Committed.EndAt(i) - Committed.StartAt(i)), work, o);
                prev = Committed.EndAt(i);
            }

            return FixLogFormat.SealRecord(seed, work, offset, o - offset);
        }
    }
}
