using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Time;

namespace Tracker.Core.Recording
{
    /// <summary>
    /// The record stage (stages "Decide what to report" and "Keep" of the data path in DESIGN.md), one
    /// definition for the device, the simulated car, the bench replay and the test rig: NMEA bytes go
    /// through the <see cref="NmeaFixReader"/>; each fix sets the <see cref="CalendarClock"/> (a GNSS
    /// time, offered as the fix arrives), goes through the <see cref="ReportPolicy"/>, and what the
    /// policy records is appended to the <see cref="FixLog"/>; an <see cref="IFixObserver"/> hears of
    /// every fix.
    /// </summary>
    /// <remarks>
    /// <para>Use one recorder from one thread (the GNSS thread on the device). The log is
    /// thread-safe, so the uplink may take from it meanwhile; the counters here are the recording
    /// thread's.</para>
    /// <para>With <c>everyFix</c>, every fix is appended as it was read (the policy still judges the
    /// motion): a bench and test mode that loads the uplink with every epoch.</para>
    /// </remarks>
    public sealed class FixRecorder
    {
        private readonly NmeaFixReader _reader = new NmeaFixReader();
        private readonly ReportPolicy _policy;
        private readonly FixLog _log;
        private readonly CalendarClock _clock;
        private readonly bool _everyFix;
        private IFixObserver? _observer;
        private Fix _lastRecord;

        /// <summary>Creates the recorder the device runs: the policy decides what is kept.</summary>
        /// <param name="policy">The report policy.</param>
        /// <param name="log">The FixLog.</param>
        /// <param name="clock">The calendar clock, set from the fixes.</param>
        public FixRecorder(ReportPolicy policy, FixLog log, CalendarClock clock)
            : this(policy, log, clock, false)
        {
        }

        /// <summary>Creates a recorder.</summary>
        /// <param name="policy">The report policy.</param>
        /// <param name="log">The FixLog.</param>
        /// <param name="clock">The calendar clock, set from the fixes.</param>
        /// <param name="everyFix">True to append every fix unchanged (the policy then only judges the motion).</param>
        public FixRecorder(ReportPolicy policy, FixLog log, CalendarClock clock, bool everyFix)
        {
            if (policy == null)
            {
                throw new System.ArgumentNullException(nameof(policy));
            }

            if (log == null)
            {
                throw new System.ArgumentNullException(nameof(log));
            }

            if (clock == null)
            {
                throw new System.ArgumentNullException(nameof(clock));
            }

            _policy = policy;
            _log = log;
            _clock = clock;
            _everyFix = everyFix;
        }

        /// <summary>The NMEA reader (its counters; <see cref="NmeaFixReader.Reset"/> after a gap in the input).</summary>
        public NmeaFixReader Reader
        {
            get { return _reader; }
        }

        /// <summary>The log the fixes go to.</summary>
        public FixLog Log
        {
            get { return _log; }
        }

        /// <summary>The profile the policy is in after the last fix.</summary>
        public MotionState Motion
        {
            get { return _policy.Motion; }
        }

        /// <summary>Fixes handled.</summary>
        public long FixesRead { get; private set; }

        /// <summary>Fixes the log took.</summary>
        public long Recorded { get; private set; }

        /// <summary>Fixes to record that the log refused (a storage error).</summary>
        public long AppendFailures { get; private set; }

        /// <summary>What became of the last fix handled.</summary>
        public RecordOutcome LastOutcome { get; private set; }

        /// <summary>The last fix given to the log, as given (after static navigation), whether it took it or not.</summary>
        public Fix LastRecord
        {
            get { return _lastRecord; }
        }

        /// <summary>Sets who hears of every fix (null for nobody).</summary>
        /// <param name="observer">The observer.</param>
        public void Observe(IFixObserver? observer)
        {
            _observer = observer;
        }

        /// <summary>Reads NMEA bytes, in whatever chunks they come, and records every fix they complete.</summary>
        /// <param name="data">The buffer.</param>
        /// <param name="offset">The first byte.</param>
        /// <param name="count">The number of bytes.</param>
        public void Push(byte[] data, int offset, int count)
        {
            int used = 0;
            while (used < count)
            {
                used += _reader.Push(data, offset + used, count - used);
                TakeFixes();
            }
        }

        /// <summary>
        /// The receiver's burst is over (the UART went idle): closes the epoch in progress, and reads a
        /// last sentence left without its line ending when its checksum verifies
        /// (<see cref="NmeaFixReader.Flush"/>), then records the fix.
        /// </summary>
        public void Flush()
        {
            _reader.Flush();
            TakeFixes();
        }

        /// <summary>
        /// Handles one fix: offers its time to the clock, lets the policy decide, appends what is to
        /// be recorded, and tells the observer.
        /// </summary>
        /// <param name="fix">The fix.</param>
        /// <returns>The policy's decision.</returns>
        public ReportDecision Record(ref Fix fix)
        {
            FixesRead++;
            _clock.Offer(fix.TimeMs, TimeSource.Gnss);
            ReportDecision decision = _policy.Decide(fix);
            RecordOutcome outcome = RecordOutcome.Skipped;
            if (_everyFix || decision.IsRecord)
            {
                _lastRecord = _everyFix ? fix : decision.Fix;
                if (_log.Append(ref _lastRecord) == FixLogResult.Ok)
                {
                    outcome = RecordOutcome.Stored;
                    Recorded++;
                }
                else
                {
                    outcome = RecordOutcome.StorageFailed;
                    AppendFailures++;
                }
            }

            LastOutcome = outcome;
            if (_observer != null)
            {
                _observer.FixHandled(ref fix, ref decision, outcome);
            }

            return decision;
        }

        private void TakeFixes()
        {
            Fix fix;
            while (_reader.TryTakeFix(out fix))
            {
                Record(ref fix);
            }
        }
    }
}
