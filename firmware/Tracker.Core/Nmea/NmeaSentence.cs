using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// The fields of one checksum-verified sentence, scanned in place over the framer's buffer, with
    /// typed readers that tell "empty" (unknown) apart from "malformed". Field 0 is the address
    /// (talker and type, e.g. <c>GPRMC</c>); data fields start at 1, as NMEA 0183 numbers them.
    /// </summary>
    /// <remarks>
    /// A field index past the end of the sentence reads as empty: receivers built to older editions
    /// omit trailing fields (RMC's FAA mode before v2.3), and that means "not reported".
    /// Allocation-free: one instance is reused for every line.
    /// </remarks>
    public sealed class NmeaSentence
    {
        /// <summary>Most fields kept; a sentence with more is rejected as malformed.</summary>
        public const int MaxFields = 40;

        private readonly int[] _start = new int[MaxFields];
        private readonly int[] _end = new int[MaxFields];
        private byte[] _line = new byte[0];
        private int _count;

        /// <summary>Number of fields, the address included.</summary>
        public int FieldCount
        {
            get { return _count; }
        }

        /// <summary>The two-letter talker (e.g. <see cref="Talker.Gp"/>), or <see cref="Talker.Unknown"/>.</summary>
        public Talker Talker { get; private set; }

        /// <summary>The sentence type, or <see cref="SentenceType.Proprietary"/> / <see cref="SentenceType.Unknown"/>.</summary>
        public SentenceType Type { get; private set; }

        /// <summary>
        /// Splits a verified line into fields.
        /// </summary>
        /// <param name="line">The line, starting with <c>$</c>.</param>
        /// <param name="payloadEnd">Index of the <c>*</c> that ends the fields.</param>
        /// <returns>False when the line has too many fields or no valid address.</returns>
        public bool Load(byte[] line, int payloadEnd)
        {
            _line = line;
            _count = 0;
            Talker = Talker.Unknown;
            Type = SentenceType.Unknown;
            int fieldStart = 1;
            for (int i = 1; i <= payloadEnd; i++)
            {
                if (i == payloadEnd || line[i] == (byte)',')
                {
                    if (_count == MaxFields)
                    {
                        _count = 0;
                        return false;
                    }

                    _start[_count] = fieldStart;
                    _end[_count] = i;
                    _count++;
                    fieldStart = i + 1;
                }
            }

            return ClassifyAddress();
        }

        /// <summary>True when field <paramref name="index"/> is empty or absent.</summary>
        /// <param name="index">Field number (1 is the first data field).</param>
        /// <returns>Whether the receiver left the field unreported.</returns>
        public bool IsEmpty(int index)
        {
            return index >= _count || _start[index] == _end[index];
        }

        /// <summary>Length of field <paramref name="index"/> in characters (0 when empty or absent).</summary>
        /// <param name="index">Field number.</param>
        /// <returns>The length.</returns>
        public int Length(int index)
        {
            return index >= _count ? 0 : _end[index] - _start[index];
        }

        /// <summary>The only character of a one-character field, or <c>'\0'</c> when the field is empty or longer.</summary>
        /// <param name="index">Field number.</param>
        /// <returns>The character.</returns>
        public char Char(int index)
        {
            if (index >= _count || _end[index] - _start[index] != 1)
            {
                return '\0';
            }

            return (char)_line[_start[index]];
        }

        /// <summary>The character at <paramref name="position"/> inside field <paramref name="index"/>, or <c>'\0'</c>.</summary>
        /// <param name="index">Field number.</param>
        /// <param name="position">Position inside the field.</param>
        /// <returns>The character.</returns>
        public char CharAt(int index, int position)
        {
            if (index >= _count || position < 0 || position >= _end[index] - _start[index])
            {
                return '\0';
            }

            return (char)_line[_start[index] + position];
        }

        /// <summary>Reads an unsigned decimal integer field.</summary>
        /// <param name="index">Field number.</param>
        /// <param name="value">The value.</param>
        /// <returns>False when the field is empty, not all digits, or too large for an int.</returns>
        public bool TryGetInt(int index, out int value)
        {
            value = 0;
            if (IsEmpty(index))
            {
                return false;
            }

            return TryDigits(_start[index], _end[index], out value);
        }

        /// <summary>
        /// Reads a decimal number (optional sign, digits, optional fraction) as an integer scaled by
        /// 10^<paramref name="decimals"/>, rounding half away from zero. "45.1" with 2 decimals is 4510.
        /// </summary>
        /// <param name="index">Field number.</param>
        /// <param name="decimals">Digits kept after the point (0 to 9).</param>
        /// <param name="value">The scaled value.</param>
        /// <returns>False when the field is empty or not a plain decimal number, or too large.</returns>
        public bool TryGetScaled(int index, int decimals, out long value)
        {
            value = 0;
            if (IsEmpty(index))
            {
                return false;
            }

            return TryScaled(_start[index], _end[index], decimals, out value);
        }

        /// <summary>
        /// Reads an NMEA coordinate pair of fields, <c>ddmm.mmmm</c> or <c>dddmm.mmmm</c> and its
        /// hemisphere letter, into 1e-7 degrees with integer arithmetic. Up to 8 decimal places of
        /// minutes are used exactly; more are rounded.
        /// </summary>
        /// <param name="index">Field number of the number; the hemisphere is the next field.</param>
        /// <param name="latitude">True for latitude (N/S, 2 degree digits), false for longitude (E/W, 3).</param>
        /// <param name="e7">The coordinate in 1e-7 degrees, south and west negative.</param>
        /// <returns>
        /// <see cref="FieldResult.Empty"/> when both fields are empty, <see cref="FieldResult.Malformed"/>
        /// when only one is, or either is out of form or range.
        /// </returns>
        public FieldResult TryGetCoordinate(int index, bool latitude, out int e7)
        {
            e7 = 0;
            bool numberEmpty = IsEmpty(index);
            bool hemisphereEmpty = IsEmpty(index + 1);
            if (numberEmpty && hemisphereEmpty)
            {
                return FieldResult.Empty;
            }

            if (numberEmpty || hemisphereEmpty)
            {
                return FieldResult.Malformed;
            }

            char h = Char(index + 1);
            bool negative;
            if (latitude)
            {
                if (h != 'N' && h != 'S')
                {
                    return FieldResult.Malformed;
                }

                negative = h == 'S';
            }
            else
            {
                if (h != 'E' && h != 'W')
                {
                    return FieldResult.Malformed;
                }

                negative = h == 'W';
            }

            // Minutes scaled by 1e8 from the whole field; degrees are what stands above two minute digits.
            long scaled;
            int start = _start[index];
            int end = _end[index];
            if (_line[start] == (byte)'-' || _line[start] == (byte)'+' || !TryScaled(start, end, 8, out scaled))
            {
                return FieldResult.Malformed;
            }

            int dot = start;
            while (dot < end && _line[dot] != (byte)'.')
            {
                dot++;
            }

            // At least "mm" before the point, and no more degree digits than the hemisphere allows.
            int integerDigits = dot - start;
            if (integerDigits < 3 || integerDigits > (latitude ? 4 : 5))
            {
                return FieldResult.Malformed;
            }

            long degrees = scaled / 10000000000L;
            long minutesE8 = scaled - (degrees * 10000000000L);
            if (minutesE8 >= 6000000000L)
            {
                return FieldResult.Malformed;
            }

            // 1e-7 degree = minutesE8 / 600, rounded half up.
            long total = (degrees * 10000000L) + ((minutesE8 + 300) / 600);
            if (total > (latitude ? 900000000L : 1800000000L))
            {
                return FieldResult.Malformed;
            }

            e7 = (int)(negative ? -total : total);
            return FieldResult.Ok;
        }

        /// <summary>
        /// Reads a UTC time field, <c>hhmmss</c> with an optional fraction, as milliseconds since midnight
        /// (fractions beyond milliseconds are truncated; a leap second 60 is accepted).
        /// </summary>
        /// <param name="index">Field number.</param>
        /// <param name="msOfDay">Milliseconds since 00:00:00 UTC.</param>
        /// <returns>Empty, Ok or Malformed.</returns>
        public FieldResult TryGetTime(int index, out int msOfDay)
        {
            msOfDay = 0;
            if (IsEmpty(index))
            {
                return FieldResult.Empty;
            }

            int start = _start[index];
            int end = _end[index];
            if (end - start < 6)
            {
                return FieldResult.Malformed;
            }

            int hh;
            int mm;
            int ss;
            if (!TryDigits(start, start + 2, out hh) || !TryDigits(start + 2, start + 4, out mm) || !TryDigits(start + 4, start + 6, out ss))
            {
                return FieldResult.Malformed;
            }

            if (hh > 23 || mm > 59 || ss > 60)
            {
                return FieldResult.Malformed;
            }

            int ms = 0;
            if (end > start + 6)
            {
                if (_line[start + 6] != (byte)'.')
                {
                    return FieldResult.Malformed;
                }

                int scale = 100;
                for (int i = start + 7; i < end; i++)
                {
                    int d = _line[i] - '0';
                    if (d < 0 || d > 9)
                    {
                        return FieldResult.Malformed;
                    }

                    ms += d * scale;
                    scale /= 10;
                }
            }

            msOfDay = (((hh * 60) + mm) * 60 + ss) * 1000 + ms;
            return FieldResult.Ok;
        }

        /// <summary>Reads an RMC date field, <c>ddmmyy</c>, as days since 1970-01-01.</summary>
        /// <param name="index">Field number.</param>
        /// <param name="days">Days since the Unix epoch.</param>
        /// <returns>Empty, Ok or Malformed.</returns>
        /// <remarks>Two-digit years 80-99 are 1980-1999 (GPS time starts in 1980); 00-79 are 2000-2079.</remarks>
        public FieldResult TryGetDate(int index, out int days)
        {
            days = 0;
            if (IsEmpty(index))
            {
                return FieldResult.Empty;
            }

            int start = _start[index];
            int dd;
            int mo;
            int yy;
            if (_end[index] - start != 6 || !TryDigits(start, start + 2, out dd) || !TryDigits(start + 2, start + 4, out mo) || !TryDigits(start + 4, start + 6, out yy))
            {
                return FieldResult.Malformed;
            }

            int year = yy >= 80 ? 1900 + yy : 2000 + yy;
            return CivilDate.TryToDays(year, mo, dd, out days) ? FieldResult.Ok : FieldResult.Malformed;
        }

        private bool ClassifyAddress()
        {
            if (_count == 0)
            {
                return false;
            }

            int start = _start[0];
            int length = _end[0] - start;
            if (length < 1)
            {
                return false;
            }

            for (int i = start; i < start + length; i++)
            {
                byte c = _line[i];
                if (!((c >= (byte)'A' && c <= (byte)'Z') || (c >= (byte)'0' && c <= (byte)'9')))
                {
                    return false;
                }
            }

            if (_line[start] == (byte)'P')
            {
                Type = SentenceType.Proprietary;
                return true;
            }

            if (length != 5)
            {
                return true;
            }

            Talker = TalkerCodes.FromChars(_line[start], _line[start + 1]);
            Type = SentenceTypes.FromChars(_line[start + 2], _line[start + 3], _line[start + 4]);
            return true;
        }

        private bool TryDigits(int start, int end, out int value)
        {
            value = 0;
            if (end - start > 9)
            {
                return false;
            }

            for (int i = start; i < end; i++)
            {
                int d = _line[i] - '0';
                if (d < 0 || d > 9)
                {
                    value = 0;
                    return false;
                }

                value = (value * 10) + d;
            }

            return end > start;
        }

        private bool TryScaled(int start, int end, int decimals, out long value)
        {
            value = 0;
            int i = start;
            bool negative = false;
            if (_line[i] == (byte)'-' || _line[i] == (byte)'+')
            {
                negative = _line[i] == (byte)'-';
                i++;
            }

            long result = 0;
            int digits = 0;
            bool point = false;
            int fractionDigits = 0;
            int roundDigit = -1;
            for (; i < end; i++)
            {
                byte c = _line[i];
                if (c == (byte)'.')
                {
                    if (point)
                    {
                        return false;
                    }

                    point = true;
                    continue;
                }

                int d = c - '0';
                if (d < 0 || d > 9)
                {
                    return false;
                }

                digits++;
                if (point)
                {
                    if (fractionDigits == decimals)
                    {
                        if (roundDigit < 0)
                        {
                            roundDigit = d;
                        }

                        continue;
                    }

                    fractionDigits++;
                }

                if (result > 99999999999999999L)
                {
                    return false;
                }

                result = (result * 10) + d;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; fractionDigits < decimals; fractionDigits++)
            {
                if (result > 922337203685477580L)
                {
                    return false;
                }

                result *= 10;
            }

            if (roundDigit >= 5)
            {
                result++;
            }

            value = negative ? -result : result;
            return true;
        }
    }
}
