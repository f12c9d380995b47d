namespace Tracker.Core.Storage
{
    /// <summary>Outcome of <see cref="FixLog.Append"/> and <see cref="FixLog.Commit"/>.</summary>
    public enum FixLogResult
    {
        /// <summary>Done, and durable on flash.</summary>
        Ok = 0,

        /// <summary>
        /// The file system failed (full, worn, unplugged, power failing). Nothing was recorded: an
        /// append is not in the log, a commit will be offered again. The log starts a new segment on
        /// the next write, so a torn tail is never appended to.
        /// </summary>
        StorageError = 1,

        /// <summary>The batch holds no records, or was already committed: nothing to do.</summary>
        NothingToCommit = 2,

        /// <summary>
        /// The batch was taken before a <see cref="FixLog.Rewind"/> or a reopen, and recording it now
        /// could overflow the committed-range table (<see cref="FixLogOptions.MaxCommitRanges"/>):
        /// nothing was recorded, and its records are offered again. Batches taken since the last
        /// Rewind always have room reserved, so they never get this.
        /// </summary>
        NotRecorded = 3,
    }
}
