using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.Core.Recording
{
    /// <summary>
    /// Told about every fix a <see cref="FixRecorder"/> reads, after the policy decided and the log
    /// took it or not: the device's status board (last fix, motion), a simulated car's readings.
    /// </summary>
    public interface IFixObserver
    {
        /// <summary>One fix was read and handled.</summary>
        /// <param name="fix">The fix as read.</param>
        /// <param name="decision">The report policy's decision (and the motion profile after it).</param>
        /// <param name="outcome">Skipped, stored, or refused by the log.</param>
        void FixHandled(ref Fix fix, ref ReportDecision decision, RecordOutcome outcome);
    }
}
