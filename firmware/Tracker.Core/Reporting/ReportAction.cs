namespace Tracker.Core.Reporting
{
    /// <summary>What to do with a fix.</summary>
    public enum ReportAction
    {
        /// <summary>Drop the fix; it is not logged or sent.</summary>
        Skip = 0,

        /// <summary>Append <see cref="ReportDecision.Fix"/> to the store-and-forward log.</summary>
        Record = 1,
    }
}
