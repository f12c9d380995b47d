namespace Tracker.Core.Storage
{
    /// <summary>
    /// Which records one <see cref="FixLog.TakeBatch"/> handed out, so that
    /// <see cref="FixLog.Commit"/> can mark exactly those as delivered. Caller-owned and reusable:
    /// keep one per message in flight, so that taking a batch allocates nothing.
    /// </summary>
    /// <remarks>
    /// A batch covers at most the newest record (sent first, for the live map) and one contiguous
    /// range of the backlog. The range may include records that were already committed (they are
    /// skipped in the output and committing them again changes nothing), never records that are in
    /// another batch still in flight.
    /// </remarks>
    public sealed class LogBatch
    {
        internal const int StateEmpty = 0;
        internal const int StateTaken = 1;
        internal const int StateCommitted = 2;

        /// <summary>Creates an empty batch.</summary>
        public LogBatch()
        {
            Clear();
        }

        /// <summary>Number of fixes written to the output array.</summary>
        public int Count { get; internal set; }

        /// <summary>Sequence number of the newest record sent first, or -1 when the batch has none.</summary>
        public long NewestSeq { get; internal set; }

        /// <summary>First sequence number of the backlog range.</summary>
        public long FromSeq { get; internal set; }

        /// <summary>One past the last sequence number of the backlog range (equal to <see cref="FromSeq"/> when empty).</summary>
        public long ToSeq { get; internal set; }

        /// <summary>True between a <see cref="FixLog.TakeBatch"/> that returned records and its <see cref="FixLog.Commit"/>.</summary>
        public bool IsInFlight
        {
            get { return State == StateTaken; }
        }

        /// <summary>True once <see cref="FixLog.Commit"/> accepted the batch.</summary>
        public bool IsCommitted
        {
            get { return State == StateCommitted; }
        }

        internal int State { get; set; }

        internal object? Owner { get; set; }

        internal int Epoch { get; set; }

        internal int Reserved { get; set; }

        internal void Clear()
        {
            Count = 0;
            NewestSeq = -1;
            FromSeq = 0;
            ToSeq = 0;
            State = StateEmpty;
            Owner = null;
            Epoch = 0;
            Reserved = 0;
        }
    }
}
