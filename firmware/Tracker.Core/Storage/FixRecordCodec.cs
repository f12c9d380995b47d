using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// The FixLog record codec and its state: the previous fix in the segment, which the next delta
    /// record is encoded against. The same class encodes (on append) and decodes (on read).
    /// </summary>
    /// <remarks>
    /// A delta record is one tag byte whose low 7 bits say which fields changed, then one ZigZag
    /// varint per changed quantity (Storage/README.md lists them). Time and position are predicted
    /// linearly (the previous step repeats: at 1 Hz, constant velocity), so steady driving costs
    /// about one byte per coordinate; the other fields are plain deltas. All arithmetic is on longs
    /// with two's-complement wrap, so every int and long value, including <see cref="Fix.Unknown"/>,
    /// round-trips bit-exactly. Fields are kept as separate integers, not a <see cref="Fix"/>,
    /// because on nanoFramework copying a struct costs a heap block.
    /// </remarks>
    internal sealed class FixRecordCodec
    {
        /// <summary>Time step assumed after a keyframe: fixes come at 1 Hz.</summary>
        internal const long DefaultStepMs = 1000;

        private const int MaskTime = 0x01;
        private const int MaskPosition = 0x02;
        private const int MaskAltitude = 0x04;
        private const int MaskSpeed = 0x08;
        private const int MaskCourse = 0x10;
        private const int MaskQuality = 0x20;
        private const int MaskMode = 0x40;

        /// <summary>True when the fields below hold a fix.</summary>
        internal bool HasFix;

        /// <summary>The previous fix's time.</summary>
        internal long TimeMs;

        /// <summary>The previous fix's latitude.</summary>
        internal int LatE7;

        /// <summary>The previous fix's longitude.</summary>
        internal int LonE7;

        /// <summary>The previous fix's altitude.</summary>
        internal int AltCm;

        /// <summary>The previous fix's speed.</summary>
        internal int SpeedMmps;

        /// <summary>The previous fix's course.</summary>
        internal int CourseCdeg;

        /// <summary>The previous fix's HDOP.</summary>
        internal int HdopX100;

        /// <summary>The previous fix's satellite count.</summary>
        internal int Satellites;

        /// <summary>The previous fix's mode, as its integer value.</summary>
        internal int Mode;

        /// <summary>The previous fix's quality, as its integer value.</summary>
        internal int Quality;

        /// <summary>The previous time step.</summary>
        internal long StepMs;

        /// <summary>The previous latitude step.</summary>
        internal long StepLat;

        /// <summary>The previous longitude step.</summary>
        internal long StepLon;

        /// <summary>Copies another codec's state.</summary>
        /// <param name="other">The source.</param>
        internal void CopyFrom(FixRecordCodec other)
        {
            HasFix = other.HasFix;
            TimeMs = other.TimeMs;
            LatE7 = other.LatE7;
            LonE7 = other.LonE7;
            AltCm = other.AltCm;
            SpeedMmps = other.SpeedMmps;
            CourseCdeg = other.CourseCdeg;
            HdopX100 = other.HdopX100;
            Satellites = other.Satellites;
            Mode = other.Mode;
            Quality = other.Quality;
            StepMs = other.StepMs;
            StepLat = other.StepLat;
            StepLon = other.StepLon;
        }

        /// <summary>Writes the current fix into <paramref name="fix"/>.</summary>
        /// <param name="fix">The destination.</param>
        internal void CopyTo(ref Fix fix)
        {
            fix.TimeMs = TimeMs;
            fix.LatE7 = LatE7;
            fix.LonE7 = LonE7;
            fix.AltCm = AltCm;
            fix.SpeedMmps = SpeedMmps;
            fix.CourseCdeg = CourseCdeg;
            fix.HdopX100 = HdopX100;
            fix.Satellites = Satellites;
            fix.Mode = (FixMode)Mode;
            fix.Quality = (FixQuality)Quality;
        }

        /// <summary>Makes <paramref name="fix"/> the state after a keyframe.</summary>
        /// <param name="fix">The keyframe's fix.</param>
        internal void SetKeyframe(ref Fix fix)
        {
            Load(ref fix);
            StepMs = DefaultStepMs;
            StepLat = 0;
            StepLon = 0;
        }

        /// <summary>Makes <paramref name="fix"/> the state after a delta record.</summary>
        /// <param name="fix">The fix just encoded.</param>
        internal void Advance(ref Fix fix)
        {
            StepMs = fix.TimeMs - TimeMs;
            StepLat = (long)fix.LatE7 - LatE7;
            StepLon = (long)fix.LonE7 - LonE7;
            Load(ref fix);
        }

        /// <summary>Encodes <paramref name="fix"/> as a delta against the state (which is not changed).</summary>
        /// <param name="fix">The fix.</param>
        /// <param name="buffer">Destination with room for <see cref="FixLogFormat.MaxRecordBytes"/>.</param>
        /// <param name="offset">Where the record starts.</param>
        /// <returns>The offset past the record, before its CRC.</returns>
        internal int WriteDelta(ref Fix fix, byte[] buffer, int offset)
        {
            long ddTime = (fix.TimeMs - TimeMs) - StepMs;
            long ddLat = ((long)fix.LatE7 - LatE7) - StepLat;
            long ddLon = ((long)fix.LonE7 - LonE7) - StepLon;
            long dAlt = (long)fix.AltCm - AltCm;
            long dSpeed = (long)fix.SpeedMmps - SpeedMmps;
            long dCourse = (long)fix.CourseCdeg - CourseCdeg;
            long dHdop = (long)fix.HdopX100 - HdopX100;
            long dSats = (long)fix.Satellites - Satellites;
            int mode = (int)fix.Mode;
            int quality = (int)fix.Quality;

            int mask = 0;
            if (ddTime != 0)
            {
                mask |= MaskTime;
            }

            if (ddLat != 0 || ddLon != 0)
            {
                mask |= MaskPosition;
            }

            if (dAlt != 0)
            {
                mask |= MaskAltitude;
            }

            if (dSpeed != 0)
            {
                mask |= MaskSpeed;
            }

            if (dCourse != 0)
            {
                mask |= MaskCourse;
            }

            if (dHdop != 0 || dSats != 0)
            {
                mask |= MaskQuality;
            }

            if (mode != Mode || quality != Quality)
            {
                mask |= MaskMode;
            }

            int o = offset;
            buffer[o++] = (byte)mask;
            if ((mask & MaskTime) != 0)
            {
                o = Varint.Write(Varint.ZigZag(ddTime), buffer, o);
            }

            if ((mask & MaskPosition) != 0)
            {
                o = Varint.Write(Varint.ZigZag(ddLat), buffer, o);
                o = Varint.Write(Varint.ZigZag(ddLon), buffer, o);
            }

            if ((mask & MaskAltitude) != 0)
            {
                o = Varint.Write(Varint.ZigZag(dAlt), buffer, o);
            }

            if ((mask & MaskSpeed) != 0)
            {
                o = Varint.Write(Varint.ZigZag(dSpeed), buffer, o);
            }

            if ((mask & MaskCourse) != 0)
            {
                o = Varint.Write(Varint.ZigZag(dCourse), buffer, o);
            }

            if ((mask & MaskQuality) != 0)
            {
                o = Varint.Write(Varint.ZigZag(dHdop), buffer, o);
                o = Varint.Write(Varint.ZigZag(dSats), buffer, o);
            }

            if ((mask & MaskMode) != 0)
            {
                o = Varint.Write(Varint.ZigZag(mode), buffer, o);
                o = Varint.Write(Varint.ZigZag(quality), buffer, o);
            }

            return o;
        }

        /// <summary>Encodes <paramref name="fix"/> with every field absolute.</summary>
        /// <param name="fix">The fix.</param>
        /// <param name="index">The fix's index in its segment (its sequence number minus the segment's first).</param>
        /// <param name="buffer">Destination with room for <see cref="FixLogFormat.MaxRecordBytes"/>.</param>
        /// <param name="offset">Where the record starts.</param>
        /// <returns>The offset past the record, before its CRC.</returns>
        internal static int WriteKeyframe(ref Fix fix, long index, byte[] buffer, int offset)
        {
            int o = offset;
            buffer[o++] = FixLogFormat.TagKeyframe;
            o = Varint.Write((ulong)index, buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.TimeMs), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.LatE7), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.LonE7), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.AltCm), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.SpeedMmps), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.CourseCdeg), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.HdopX100), buffer, o);
            o = Varint.Write(Varint.ZigZag(fix.Satellites), buffer, o);
            o = Varint.Write(Varint.ZigZag((int)fix.Mode), buffer, o);
            o = Varint.Write(Varint.ZigZag((int)fix.Quality), buffer, o);
            return o;
        }

        /// <summary>Decodes a delta record's fields (after the tag) and applies them to this state.</summary>
        /// <param name="mask">The tag byte.</param>
        /// <param name="buffer">Source.</param>
        /// <param name="offset">Index after the tag; advanced past the fields.</param>
        /// <param name="end">One past the last readable byte.</param>
        /// <returns>False when the bytes end early or a value is out of range; the state is then undefined.</returns>
        internal bool TryReadDelta(int mask, byte[] buffer, ref int offset, int end)
        {
            long ddTime = 0;
            long ddLat = 0;
            long ddLon = 0;
            long dAlt = 0;
            long dSpeed = 0;
            long dCourse = 0;
            long dHdop = 0;
            long dSats = 0;
            long mode = Mode;
            long quality = Quality;
            if ((mask & MaskTime) != 0 && !TryReadSigned(buffer, ref offset, end, out ddTime))
            {
                return false;
            }

            if ((mask & MaskPosition) != 0
                && !(TryReadSigned(buffer, ref offset, end, out ddLat) && TryReadSigned(buffer, ref offset, end, out ddLon)))
            {
                return false;
            }

            if ((mask & MaskAltitude) != 0 && !TryReadSigned(buffer, ref offset, end, out dAlt))
            {
                return false;
            }

            if ((mask & MaskSpeed) != 0 && !TryReadSigned(buffer, ref offset, end, out dSpeed))
            {
                return false;
            }

            if ((mask & MaskCourse) != 0 && !TryReadSigned(buffer, ref offset, end, out dCourse))
            {
                return false;
            }

            if ((mask & MaskQuality) != 0
                && !(TryReadSigned(buffer, ref offset, end, out dHdop) && TryReadSigned(buffer, ref offset, end, out dSats)))
            {
                return false;
            }

            if ((mask & MaskMode) != 0
                && !(TryReadSigned(buffer, ref offset, end, out mode) && TryReadSigned(buffer, ref offset, end, out quality)))
            {
                return false;
            }

            long stepLat = StepLat + ddLat;
            long stepLon = StepLon + ddLon;
            long lat = LatE7 + stepLat;
            long lon = LonE7 + stepLon;
            long alt = AltCm + dAlt;
            long speed = SpeedMmps + dSpeed;
            long course = CourseCdeg + dCourse;
            long hdop = HdopX100 + dHdop;
            long sats = Satellites + dSats;
            if (!IsInt(lat) || !IsInt(lon) || !IsInt(alt) || !IsInt(speed) || !IsInt(course)
                || !IsInt(hdop) || !IsInt(sats) || !IsInt(mode) || !IsInt(quality))
            {
                return false;
            }

            StepMs += ddTime;
            TimeMs += StepMs;
            StepLat = stepLat;
            StepLon = stepLon;
            LatE7 = (int)lat;
            LonE7 = (int)lon;
            AltCm = (int)alt;
            SpeedMmps = (int)speed;
            CourseCdeg = (int)course;
            HdopX100 = (int)hdop;
            Satellites = (int)sats;
            Mode = (int)mode;
            Quality = (int)quality;
            return true;
        }

        /// <summary>Decodes a keyframe's fields (after the tag) into this state.</summary>
        /// <param name="buffer">Source.</param>
        /// <param name="offset">Index after the tag; advanced past the fields.</param>
        /// <param name="end">One past the last readable byte.</param>
        /// <param name="index">The fix's index in its segment.</param>
        /// <returns>False when the bytes end early or a value is out of range.</returns>
        internal bool TryReadKeyframe(byte[] buffer, ref int offset, int end, out long index)
        {
            index = 0;
            ulong rawIndex;
            long time;
            long lat;
            long lon;
            long alt;
            long speed;
            long course;
            long hdop;
            long sats;
            long mode;
            long quality;
            if (!Varint.TryRead(buffer, ref offset, end, out rawIndex)
                || !TryReadSigned(buffer, ref offset, end, out time)
                || !TryReadSigned(buffer, ref offset, end, out lat)
                || !TryReadSigned(buffer, ref offset, end, out lon)
                || !TryReadSigned(buffer, ref offset, end, out alt)
                || !TryReadSigned(buffer, ref offset, end, out speed)
                || !TryReadSigned(buffer, ref offset, end, out course)
                || !TryReadSigned(buffer, ref offset, end, out hdop)
                || !TryReadSigned(buffer, ref offset, end, out sats)
                || !TryReadSigned(buffer, ref offset, end, out mode)
                || !TryReadSigned(buffer, ref offset, end, out quality))
            {
                return false;
            }

            if (rawIndex > int.MaxValue || !IsInt(lat) || !IsInt(lon) || !IsInt(alt) || !IsInt(speed)
                || !IsInt(course) || !IsInt(hdop) || !IsInt(sats) || !IsInt(mode) || !IsInt(quality))
            {
                return false;
            }

            index = (long)rawIndex;
            HasFix = true;
            TimeMs = time;
            LatE7 = (int)lat;
            LonE7 = (int)lon;
            AltCm = (int)alt;
            SpeedMmps = (int)speed;
            CourseCdeg = (int)course;
            HdopX100 = (int)hdop;
            Satellites = (int)sats;
            Mode = (int)mode;
            Quality = (int)quality;
            StepMs = DefaultStepMs;
            StepLat = 0;
            StepLon = 0;
            return true;
        }

        /// <summary>Reads a ZigZag varint as a signed value.</summary>
        /// <param name="buffer">Source.</param>
        /// <param name="offset">Advanced past the value.</param>
        /// <param name="end">One past the last readable byte.</param>
        /// <param name="value">The value.</param>
        /// <returns>False when the bytes end early.</returns>
        internal static bool TryReadSigned(byte[] buffer, ref int offset, int end, out long value)
        {
            ulong raw;
            if (!Varint.TryRead(buffer, ref offset, end, out raw))
            {
                value = 0;
                return false;
            }

            value = Varint.UnZigZag(raw);
            return true;
        }

        private static bool IsInt(long value)
        {
            return value >= int.MinValue && value <= int.MaxValue;
        }

        private void Load(ref Fix fix)
        {
            HasFix = true;
            TimeMs = fix.TimeMs;
            LatE7 = fix.LatE7;
            LonE7 = fix.LonE7;
            AltCm = fix.AltCm;
            SpeedMmps = fix.SpeedMmps;
            CourseCdeg = fix.CourseCdeg;
            HdopX100 = fix.HdopX100;
            Satellites = fix.Satellites;
            Mode = (int)fix.Mode;
            Quality = (int)fix.Quality;
        }
    }
}
