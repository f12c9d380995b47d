using Tracker.Core.Common;
using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// Merges the sentences of one epoch (one UTC time of day) into one <see cref="Fix"/>. An epoch
    /// closes when a sentence with a different time arrives, or on <see cref="Close"/> (end of input,
    /// or an idle UART between bursts). Sentences without a time (GSA, VTG) belong to the epoch in
    /// progress, or, when they follow the learnt end of the cycle, to the epoch that just closed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Validity: an epoch yields a fix only when some sentence says the position is valid (RMC or GLL
    /// status A, GGA or GNS quality above 0) and none says it is not (RMC or GLL status V, GGA quality
    /// 0, GNS all N, GSA mode 1, FAA mode N). A position carried by a sentence that is not itself
    /// valid is never used, and a position of exactly 0,0 is never reported.
    /// </para>
    /// <para>
    /// Cycle end: receivers send the sentences of an epoch in a fixed order. The assembler learns
    /// which sentence (type and occurrence within the epoch) ends the cycle, and once two cycles in a
    /// row agree it closes the epoch as soon as that sentence arrives, so a fix is out the moment its
    /// last sentence is, not when the next second begins. Until then, and whenever a cycle breaks the
    /// pattern, a change of time closes the epoch. A sentence without a time that still arrives after
    /// the learnt end (until the next sentence with a time field) belongs to the epoch that just
    /// closed: it never reaches the next epoch, where a "no fix" GSA would veto a valid fix and a
    /// GSA's satellites and HDOP would land on the wrong fix. The fix has already left, so its data
    /// is not used; such a tail means the cycle is longer than learnt, so the assembler learns the
    /// tail's last sentence as the new end.
    /// </para>
    /// <para>
    /// A GGA or GNS that says "fix" with 0 satellites used is not a fix (gpsd applies the same rule
    /// to GGA): it gives no valid vote and none of its data is used; other sentences of the epoch
    /// still decide. An empty satellite field is unknown, not 0.
    /// </para>
    /// <para>
    /// Date: RMC and ZDA carry it. An epoch without one takes the last known date, moved on a day
    /// when the time of day wrapped past midnight. Until a date is known no fix can be timed, so
    /// none is produced.
    /// </para>
    /// </remarks>
    public sealed class FixAssembler
    {
        private const int HalfDayMs = 43200000;

        // How long before the first dated epoch an undated one may be, to be dated from it.
        private const int MaxUndatedGapMs = 60000;

        private readonly NmeaCounters _counters;

        private bool _open;
        private int _timeMs;
        private bool _anyValid;
        private bool _anyInvalid;
        private bool _timeless;
        private bool _hasPosition;
        private int _latE7;
        private int _lonE7;
        private int _altCm;
        private int _speedMmps;
        private int _vtgSpeedMmps;
        private int _courseCdeg;
        private int _vtgCourseCdeg;
        private int _ggaHdop;
        private int _gsaHdop;
        private int _ggaSats;
        private int _gsaSats;
        private int _gsaMode;
        private int _ggaQuality;
        private int _faaQuality;
        private int _days;

        private int _lastDays = Fix.Unknown;
        private long _lastEmittedMs = long.MinValue;

        // Cycle-end learning: the last sentence of the epoch in progress, as type and occurrence.
        private readonly int[] _seen = new int[SentenceTypes.Count];
        private int _lastType = -1;
        private int _lastOccurrence;
        private int _enderType = -1;
        private int _enderOccurrence;
        private bool _enderConfirmed;
        private int _lastTimeMs;

        // Set when the learnt cycle end closed an epoch, until the next sentence with a time field or
        // Close: sentences without a time then belong to the closed epoch (the tail).
        private bool _afterCycleEnd;
        private bool _tailSeen;

        // Fixes closed but not yet taken. One sentence can close two epochs (a change of time, then
        // the learnt cycle end) and release a held undated one, so there is room for four.
        private readonly Fix[] _out = new Fix[4];
        private int _outHead;
        private int _outCount;

        // The latest valid epoch seen before any date was known, held until a date arrives.
        private bool _undatedHeld;
        private Fix _undated;

        /// <summary>Creates an assembler that records its outcomes in <paramref name="counters"/>.</summary>
        /// <param name="counters">Where epochs with and without fixes are counted.</param>
        public FixAssembler(NmeaCounters counters)
        {
            _counters = counters;
            Reset();
        }

        /// <summary>True when an epoch closed with a fix that has not been taken yet.</summary>
        public bool HasFix
        {
            get { return _outCount > 0; }
        }

        /// <summary>Takes the fix of the last closed epoch, if there is one not taken yet.</summary>
        /// <param name="fix">The fix.</param>
        /// <returns>False when no fix is waiting.</returns>
        public bool TryTakeFix(out Fix fix)
        {
            if (_outCount == 0)
            {
                fix = new Fix();
                return false;
            }

            fix = _out[_outHead];
            _outHead = (_outHead + 1) % _out.Length;
            _outCount--;
            return true;
        }

        /// <summary>Adds an RMC.</summary>
        /// <param name="rmc">The parsed sentence.</param>
        public void Add(ref Rmc rmc)
        {
            Enter(rmc.TimeMs);
            if (rmc.Days != Fix.Unknown)
            {
                _days = rmc.Days;
            }

            bool valid = rmc.StatusValid && !FaaMode.IsInvalid(rmc.Mode);
            Vote(valid);
            if (!valid)
            {
                return;
            }

            if (rmc.Mode != FaaMode.Absent)
            {
                _faaQuality = FaaMode.Quality(rmc.Mode);
            }

            if (rmc.HasPosition)
            {
                SetPosition(rmc.LatE7, rmc.LonE7);
            }

            if (rmc.SpeedMmps != Fix.Unknown)
            {
                _speedMmps = rmc.SpeedMmps;
            }

            if (rmc.CourseCdeg != Fix.Unknown)
            {
                _courseCdeg = rmc.CourseCdeg;
            }
        }

        /// <summary>Adds a GGA.</summary>
        /// <param name="gga">The parsed sentence.</param>
        public void Add(ref Gga gga)
        {
            AddFixData(gga.TimeMs, gga.Quality, gga.HasPosition, gga.LatE7, gga.LonE7, gga.AltCm, gga.HdopX100, gga.Satellites);
        }

        /// <summary>Adds a GNS.</summary>
        /// <param name="gns">The parsed sentence.</param>
        public void Add(ref Gns gns)
        {
            AddFixData(gns.TimeMs, gns.Quality, gns.HasPosition, gns.LatE7, gns.LonE7, gns.AltCm, gns.HdopX100, gns.Satellites);
        }

        /// <summary>Adds a GSA (no time: it belongs to the epoch in progress).</summary>
        /// <param name="gsa">The parsed sentence.</param>
        public void Add(ref Gsa gsa)
        {
            if (InTail())
            {
                return;
            }

            if (gsa.Mode == Fix.Unknown)
            {
                return;
            }

            if (gsa.Mode < 2)
            {
                Vote(false);
                return;
            }

            if (gsa.Mode > _gsaMode)
            {
                _gsaMode = gsa.Mode;
            }

            _gsaSats += gsa.SatellitesUsed;
            if (gsa.HdopX100 != Fix.Unknown)
            {
                _gsaHdop = gsa.HdopX100;
            }
        }

        /// <summary>Adds a VTG (no time: it belongs to the epoch in progress).</summary>
        /// <param name="vtg">The parsed sentence.</param>
        public void Add(ref Vtg vtg)
        {
            if (InTail())
            {
                return;
            }

            if (FaaMode.IsInvalid(vtg.Mode))
            {
                Vote(false);
                return;
            }

            if (vtg.SpeedMmps != Fix.Unknown)
            {
                _vtgSpeedMmps = vtg.SpeedMmps;
            }

            if (vtg.CourseCdeg != Fix.Unknown)
            {
                _vtgCourseCdeg = vtg.CourseCdeg;
            }
        }

        /// <summary>Adds a GLL.</summary>
        /// <param name="gll">The parsed sentence.</param>
        public void Add(ref Gll gll)
        {
            Enter(gll.TimeMs);
            bool valid = gll.StatusValid && !FaaMode.IsInvalid(gll.Mode);
            Vote(valid);
            if (!valid)
            {
                return;
            }

            if (gll.Mode != FaaMode.Absent && _faaQuality == 0)
            {
                _faaQuality = FaaMode.Quality(gll.Mode);
            }

            if (gll.HasPosition)
            {
                SetPosition(gll.LatE7, gll.LonE7);
            }
        }

        /// <summary>Adds a ZDA: a date for this epoch.</summary>
        /// <param name="zda">The parsed sentence.</param>
        public void Add(ref Zda zda)
        {
            Enter(zda.TimeMs);
            if (zda.Days != Fix.Unknown)
            {
                _days = zda.Days;
            }
        }

        /// <summary>
        /// Tells the assembler that a sentence of <paramref name="type"/> was added. When it is the
        /// learnt last sentence of the cycle, the epoch closes now.
        /// </summary>
        /// <param name="type">The type of the sentence just added.</param>
        public void SentenceDone(SentenceType type)
        {
            int t = (int)type;
            _seen[t]++;
            _lastType = t;
            _lastOccurrence = _seen[t];
            if (!_afterCycleEnd && _enderConfirmed && t == _enderType && _lastOccurrence == _enderOccurrence)
            {
                // The epoch closes now; the cycle's sentence count goes on, so that a tail after
                // this sentence is seen as part of the same cycle.
                CloseEpoch();
                _afterCycleEnd = true;
            }
        }

        /// <summary>
        /// Closes the epoch in progress, producing its fix if it has one. Call at the end of input,
        /// or when the receiver's burst for a second is over (an idle UART), so the last epoch is
        /// not held until the next one starts.
        /// </summary>
        public void Close()
        {
            EndTail();
            CloseEpoch();
            ResetCycle();
        }

        // Sentences without a time after the learnt cycle end belong to the epoch that closed.
        private bool InTail()
        {
            if (!_afterCycleEnd)
            {
                return false;
            }

            _tailSeen = true;
            return true;
        }

        // The tail ends at a sentence with a time field, or at Close. A tail means the cycle goes on
        // past the learnt end: its last sentence is the candidate end now, to be confirmed by the
        // next cycle that ends on a change of time.
        private void EndTail()
        {
            if (!_afterCycleEnd)
            {
                return;
            }

            _afterCycleEnd = false;
            if (_tailSeen)
            {
                _tailSeen = false;
                _enderType = _lastType;
                _enderOccurrence = _lastOccurrence;
                _enderConfirmed = false;
            }

            ResetCycle();
        }

        private void CloseEpoch()
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            if (_timeMs == Fix.Unknown)
            {
                // Sentences without time and no timed sentence after them: nothing to anchor.
                if (_anyValid || _anyInvalid)
                {
                    _counters.EpochsWithoutFix++;
                }

                Reset();
                return;
            }

            int days = _days;
            if (days == Fix.Unknown && _lastDays != Fix.Unknown)
            {
                days = _lastDays;
                if (_timeMs < _lastTimeMs - HalfDayMs)
                {
                    days++;
                }
            }

            if (days != Fix.Unknown)
            {
                _lastDays = days;
                _lastTimeMs = _timeMs;
                ReleaseUndated(days, _timeMs);
            }

            if (!_anyValid || _anyInvalid || !_hasPosition)
            {
                _counters.EpochsWithoutFix++;
            }
            else if (days != Fix.Unknown && ((long)days * CivilDate.MsPerDay) + _timeMs == _lastEmittedMs)
            {
                // A straggler of an epoch already closed early: the learnt cycle end was wrong.
                _enderConfirmed = false;
                _counters.EpochsWithoutFix++;
            }
            else if (days == Fix.Unknown)
            {
                // No date yet (a GGA-only epoch at start-up): hold the latest such epoch until RMC or
                // ZDA dates it. An older held one can no longer be dated reliably and is dropped.
                if (_undatedHeld)
                {
                    _counters.EpochsWithoutDate++;
                }

                if (_latE7 == 0 && _lonE7 == 0)
                {
                    _counters.ZeroPositions++;
                    _undatedHeld = false;
                }
                else
                {
                    _undated = Build(0);
                    _undatedHeld = true;
                }
            }
            else if (_latE7 == 0 && _lonE7 == 0)
            {
                _counters.ZeroPositions++;
            }
            else
            {
                Emit(days);
            }

            Reset();
        }

        private void ReleaseUndated(int days, int timeMs)
        {
            if (!_undatedHeld)
            {
                return;
            }

            _undatedHeld = false;
            int held = (int)_undated.TimeMs;
            int gap = timeMs - held;
            if (gap < -HalfDayMs)
            {
                // The held epoch was before midnight, the dating one after.
                gap += (int)CivilDate.MsPerDay;
                days--;
            }

            // Only an epoch shortly before the dating one is sure to share its date.
            if (gap <= 0 || gap > MaxUndatedGapMs)
            {
                _counters.EpochsWithoutDate++;
                return;
            }

            _undated.TimeMs = ((long)days * CivilDate.MsPerDay) + held;
            Enqueue(_undated);
        }

        private void Enqueue(Fix f)
        {
            if (_outCount == _out.Length)
            {
                // The caller did not take its fixes; the oldest is overwritten (cannot happen through NmeaFixReader).
                _outHead = (_outHead + 1) % _out.Length;
                _outCount--;
            }

            _out[(_outHead + _outCount) % _out.Length] = f;
            _outCount++;
            _lastEmittedMs = f.TimeMs;
            _counters.Fixes++;
        }

        /// <summary>Forgets the epoch in progress and the last known date, as after a receiver restart.</summary>
        public void Restart()
        {
            _open = false;
            _outCount = 0;
            _undatedHeld = false;
            _lastDays = Fix.Unknown;
            _lastEmittedMs = long.MinValue;
            _enderType = -1;
            _enderConfirmed = false;
            _afterCycleEnd = false;
            _tailSeen = false;
            Reset();
            ResetCycle();
        }

        private void Emit(int days)
        {
            Enqueue(Build(days));
        }

        private Fix Build(int days)
        {
            Fix f = Fix.Create(((long)days * CivilDate.MsPerDay) + _timeMs, _latE7, _lonE7);
            f.AltCm = _altCm;
            f.SpeedMmps = _speedMmps != Fix.Unknown ? _speedMmps : _vtgSpeedMmps;
            f.CourseCdeg = _courseCdeg != Fix.Unknown ? _courseCdeg : _vtgCourseCdeg;
            f.HdopX100 = _ggaHdop != Fix.Unknown ? _ggaHdop : _gsaHdop;
            f.Satellites = _ggaSats != Fix.Unknown ? _ggaSats : (_gsaSats > 0 ? _gsaSats : Fix.Unknown);
            if (_gsaMode >= 2)
            {
                f.Mode = _gsaMode == 3 ? FixMode.ThreeD : FixMode.TwoD;
            }
            else
            {
                f.Mode = _altCm != Fix.Unknown ? FixMode.ThreeD : FixMode.TwoD;
            }

            int quality = _ggaQuality > 0 ? _ggaQuality : _faaQuality;
            f.Quality = quality > 0 ? (FixQuality)quality : FixQuality.Autonomous;
            return f;
        }

        private void Enter(int timeMs)
        {
            EndTail();
            if (timeMs == Fix.Unknown)
            {
                // A sentence that carries a time but left it empty (receivers do so without a fix):
                // the epoch in progress is one without time, and a timed sentence will start anew.
                _timeless = true;
            }
            else if (_open && _timeMs == Fix.Unknown && _timeless)
            {
                CloseEpoch();
                ResetCycle();
            }

            if (_open && timeMs != Fix.Unknown && _timeMs != Fix.Unknown && timeMs != _timeMs)
            {
                // A new time closed the epoch: its last sentence is a candidate cycle end.
                bool same = _lastType == _enderType && _lastOccurrence == _enderOccurrence;
                _enderConfirmed = same && _lastType >= 0;
                _enderType = _lastType;
                _enderOccurrence = _lastOccurrence;
                CloseEpoch();
                ResetCycle();
            }

            _open = true;
            if (timeMs != Fix.Unknown)
            {
                _timeMs = timeMs;
            }
        }

        private void Vote(bool valid)
        {
            _open = true;
            if (valid)
            {
                _anyValid = true;
            }
            else
            {
                _anyInvalid = true;
            }
        }

        private void SetPosition(int latE7, int lonE7)
        {
            _hasPosition = true;
            _latE7 = latE7;
            _lonE7 = lonE7;
        }

        // GGA and GNS: a quality (0 = invalid; unknown = no vote), position, altitude, HDOP, satellites.
        private void AddFixData(int timeMs, int quality, bool hasPosition, int latE7, int lonE7, int altCm, int hdopX100, int satellites)
        {
            Enter(timeMs);
            if (quality == Fix.Unknown)
            {
                return;
            }

            if (quality > 0 && satellites == 0)
            {
                // "Fix" from no satellites is not a fix: no vote, and nothing of it is used; the
                // epoch's other sentences decide.
                return;
            }

            bool valid = quality > 0;
            Vote(valid);
            if (!valid)
            {
                return;
            }

            _ggaQuality = quality;
            if (hasPosition)
            {
                SetPosition(latE7, lonE7);
            }

            if (altCm != Fix.Unknown)
            {
                _altCm = altCm;
            }

            if (hdopX100 != Fix.Unknown)
            {
                _ggaHdop = hdopX100;
            }

            if (satellites != Fix.Unknown)
            {
                _ggaSats = satellites;
            }
        }

        // Forgets the sentences counted in the cycle (for learning its end).
        private void ResetCycle()
        {
            for (int i = 0; i < _seen.Length; i++)
            {
                _seen[i] = 0;
            }

            _lastType = -1;
        }

        // Forgets the epoch's data.
        private void Reset()
        {
            _timeMs = Fix.Unknown;
            _anyValid = false;
            _anyInvalid = false;
            _timeless = false;
            _hasPosition = false;
            _latE7 = 0;
            _lonE7 = 0;
            _altCm = Fix.Unknown;
            _speedMmps = Fix.Unknown;
            _vtgSpeedMmps = Fix.Unknown;
            _courseCdeg = Fix.Unknown;
            _vtgCourseCdeg = Fix.Unknown;
            _ggaHdop = Fix.Unknown;
            _gsaHdop = Fix.Unknown;
            _ggaSats = Fix.Unknown;
            _gsaSats = 0;
            _gsaMode = 0;
            _ggaQuality = 0;
            _faaQuality = 0;
            _days = Fix.Unknown;
        }
    }
}
