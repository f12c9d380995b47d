namespace Tracker.Core.Control
{
    /// <summary>The outcome of one <see cref="StagedDownload.Step"/>.</summary>
    public enum DownloadStep
    {
        /// <summary>One more range is on flash.</summary>
        Progress = 0,

        /// <summary>The whole image is on flash (verify it next).</summary>
        Complete = 1,

        /// <summary>The link dropped: nothing was lost; step again later, it resumes where it stands.</summary>
        Interrupted = 2,

        /// <summary>The server refused the range (the URL expired): ask the job for a fresh one, then step again.</summary>
        Refused = 3,

        /// <summary>A flash write failed: step again (it resumes from the last range known to be whole).</summary>
        StorageFailed = 4,
    }
}
