using Tracker.Core.Common;
using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// The sentences of one epoch merged, and their vote on whether it is a fix: valid when some
    /// sentence says so (RMC or GLL status A, GGA or GNS quality above 0) and none says it is not
    /// (RMC or GLL status V, GGA quality 0, GNS all N, GSA mode 1, FAA mode N). Only a valid
    /// sentence's data is used. A GGA or GNS that says "fix" from 0 satellites gives no vote and no
    /// data. Each quantity keeps its source, so the fix takes GGA's HDOP over GSA's and RMC's speed
    /// over VTG's.
    /// </summary>
    internal sealed class EpochVote
    {
        private bool _anyValid;
        private bool _anyInvalid;
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

        /// <summary>Creates an empty epoch.</summary>
        internal EpochVote()
        {
            Reset();
        }

        /// <summary>True while an epoch is in progress.</summary>
        internal bool Open { get; set; }

        /// <summary>The epoch's time of day (ms), or <see cref="Fix.Unknown"/>.</summary>
        internal int TimeMs { get; set; }

        /// <summary>True when a sentence that carries a time left it empty.</summary>
        internal bool Timeless { get; set; }

        /// <summary>The epoch's date (days since 1970) from RMC or ZDA, or <see cref="Fix.Unknown"/>.</summary>
        internal int Days { get; set; }

        /// <summary>True when a sentence voted, either way.</summary>
        internal bool HasVote
        {
            get { return _anyValid || _anyInvalid; }
        }

        /// <summary>True when the epoch is a fix: a valid vote, no invalid one, and a position.</summary>
        internal bool IsFix
        {
            get { return _anyValid && !_anyInvalid && _hasPosition; }
        }

        /// <summary>True when the position is exactly 0,0 (never reported: STYLE.md, "empty is not zero").</summary>
        internal bool IsZeroPosition
        {
            get { return _latE7 == 0 && _lonE7 == 0; }
        }

        /// <summary>Adds an RMC's vote and data.</summary>
        /// <param name="rmc">The sentence.</param>
        internal void AddRmc(ref Rmc rmc)
        {
            if (rmc.Days != Fix.Unknown)
            {
                Days = rmc.Days;
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

        /// <summary>Adds a GGA's or GNS's vote and data: quality (0 = invalid; unknown = no vote), position, altitude, HDOP, satellites.</summary>
        internal void AddFixData(int quality, bool hasPosition, int latE7, int lonE7, int altCm, int hdopX100, int satellites)
        {
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

        /// <summary>Adds a GSA's vote and data (mode 1 votes "no fix"; 2 and 3 add satellites and HDOP).</summary>
        /// <param name="gsa">The sentence.</param>
        internal void AddGsa(ref Gsa gsa)
        {
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

        /// <summary>Adds a VTG's vote (FAA mode N) and its speed and course.</summary>
        /// <param name="vtg">The sentence.</param>
        internal void AddVtg(ref Vtg vtg)
        {
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

        /// <summary>Adds a GLL's vote and position.</summary>
        /// <param name="gll">The sentence.</param>
        internal void AddGll(ref Gll gll)
        {
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

        /// <summary>The fix of this epoch on <paramref name="days"/> (0 while undated).</summary>
        /// <param name="days">Days since 1970.</param>
        /// <returns>The fix.</returns>
        internal Fix Build(int days)
        {
            Fix f = Fix.Create(((long)days * CivilDate.MsPerDay) + TimeMs, _latE7, _lonE7);
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

        /// <summary>Forgets the epoch's data (not whether one is open).</summary>
        internal void Reset()
        {
            TimeMs = Fix.Unknown;
            _anyValid = false;
            _anyInvalid = false;
            Timeless = false;
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
            Days = Fix.Unknown;
        }

        private void Vote(bool valid)
        {
            Open = true;
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
    }
}
