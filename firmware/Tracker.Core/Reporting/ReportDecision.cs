using Tracker.Core.Fixes;

namespace Tracker.Core.Reporting
{
    /// <summary>
    /// The outcome of <see cref="ReportPolicy.Decide"/> for one fix: record it or skip it, and why.
    /// A value, so that deciding allocates nothing on the device.
    /// </summary>
    public struct ReportDecision
    {
        // Explicit fields and getters: a struct's auto-property getter is marked with
        // IsReadOnlyAttribute, which nanoFramework 1.x does not have.
        private readonly ReportAction _action;
        private readonly ReportReason _reason;
        private readonly Fix _fix;
        private readonly MotionState _motion;

        /// <summary>Creates a decision.</summary>
        /// <param name="action">Record or skip.</param>
        /// <param name="reason">Why.</param>
        /// <param name="fix">The fix to record (see <see cref="Fix"/>).</param>
        /// <param name="motion">The profile in force after this fix.</param>
        public ReportDecision(ReportAction action, ReportReason reason, Fix fix, MotionState motion)
        {
            _action = action;
            _reason = reason;
            _fix = fix;
            _motion = motion;
        }

        /// <summary>Record or skip.</summary>
        public ReportAction Action
        {
            get { return _action; }
        }

        /// <summary>True when the fix is to be recorded.</summary>
        public bool IsRecord
        {
            get { return _action == ReportAction.Record; }
        }

        /// <summary>The rule that decided.</summary>
        public ReportReason Reason
        {
            get { return _reason; }
        }

        /// <summary>
        /// For a record, the fix to append: the input fix, except that while parked its position,
        /// altitude and course are those of the parked position and a known speed reads 0 (static
        /// navigation). For a skip, the input fix unchanged.
        /// </summary>
        public Fix Fix
        {
            get { return _fix; }
        }

        /// <summary>The profile in force after this fix.</summary>
        public MotionState Motion
        {
            get { return _motion; }
        }
    }
}
