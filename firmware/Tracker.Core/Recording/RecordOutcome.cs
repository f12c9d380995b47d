namespace Tracker.Core.Recording
{
    /// <summary>What became of one fix the <see cref="FixRecorder"/> handled.</summary>
    public enum RecordOutcome
    {
        /// <summary>The report policy skipped it.</summary>
        Skipped = 0,

        /// <summary>It is on flash: the FixLog took it.</summary>
        Stored = 1,

        /// <summary>It was to be recorded, but the FixLog refused it (a storage error): it is lost.</summary>
        StorageFailed = 2,
    }
}
