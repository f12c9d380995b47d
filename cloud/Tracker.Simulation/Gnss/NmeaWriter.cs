namespace Tracker.Simulation.Gnss;

/// <summary>
/// Prints one epoch as a receiver does: RMC, GGA and (optionally) GSA, in that order every second,
/// with the talker GN (multi-constellation) or GP (GPS only), checksums, CRLF line ends, and the
/// field formats of a u-blox class receiver at NMEA 0183 v2.3 to 4.0: time <c>hhmmss.ss</c>,
/// position <c>ddmm.mmmmm</c> / <c>dddmm.mmmmm</c>, speed in knots to 0.01, course to 0.01°,
/// altitude to 0.1 m, HDOP to 0.01. Without a fix the receiver still prints its time and date,
/// with RMC status V, GGA quality 0 and GSA mode 1, and leaves the position fields empty.
/// </summary>
/// <remarks>
/// Allocation-free: it writes ASCII straight into the caller's buffer. Geoid separation is left
/// empty: the model has no geoid, and an empty NMEA field means "unknown".
/// </remarks>
public sealed class NmeaWriter
{
    /// <summary>The most bytes one epoch takes (three sentences of at most 82 characters, NMEA 0183 §5.3).</summary>
    public const int MaxEpochBytes = 3 * 82;

    /// <summary>The earliest time printed: 2000-01-01T00:00:00Z.</summary>
    public const long MinUtcMs = 946684800000L;

    /// <summary>
    /// The end of the times printed: 2080-01-01T00:00:00Z. RMC's year has two digits, and readers
    /// (the firmware among them) take 80 to 99 as 1980 to 1999, the GPS era before 2000.
    /// </summary>
    public const long MaxUtcMs = 3471292800000L;

    /// <summary>Speeds are printed up to this, m/s (the firmware refuses 1,000 m/s and more as a damaged field).</summary>
    public const double MaxSpeedMps = 999;

    // GPS PRNs listed in GSA as "used", in this order, as many as the satellite count (at most 12 fields).
    private static readonly int[] Prns = [2, 5, 7, 9, 13, 15, 18, 20, 23, 25, 29, 30];

    private readonly byte _talker0;
    private readonly byte _talker1;

    /// <summary>Creates a writer.</summary>
    /// <param name="talker">"GN" (a multi-constellation receiver, the default) or "GP" (GPS only).</param>
    /// <param name="includeGsa">True to print GSA (DOP and satellites used) after GGA.</param>
    /// <exception cref="ArgumentException">The talker is neither GN nor GP.</exception>
    public NmeaWriter(string talker = "GN", bool includeGsa = true)
    {
        if (talker is not ("GN" or "GP"))
        {
            throw new ArgumentException($"talker must be GN or GP, got '{talker}'", nameof(talker));
        }

        Talker = talker;
        IncludeGsa = includeGsa;
        _talker0 = (byte)talker[0];
        _talker1 = (byte)talker[1];
    }

    /// <summary>The talker, GN or GP.</summary>
    public string Talker { get; }

    /// <summary>True when GSA is printed.</summary>
    public bool IncludeGsa { get; }

    /// <summary>Prints the epoch at <paramref name="utcMs"/> into <paramref name="buffer"/>.</summary>
    /// <param name="utcMs">The epoch's UTC time, ms since 1970, in the years 2000 to 2079 (see <see cref="MaxUtcMs"/>).</param>
    /// <param name="observation">What the receiver reports.</param>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">Where to start; at least <see cref="MaxEpochBytes"/> must fit.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The time is outside 2000-2079, or the buffer too small.</exception>
    public int Write(long utcMs, in GnssObservation observation, byte[] buffer, int offset)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (offset < 0 || buffer.Length - offset < MaxEpochBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"needs {MaxEpochBytes} bytes from offset");
        }

        DateTime time = ToTime(utcMs);
        if (observation.HasFix && (Math.Abs(observation.LatitudeDeg) > 90 || Math.Abs(observation.LongitudeDeg) > 180))
        {
            throw new ArgumentOutOfRangeException(nameof(observation), observation, "latitude must be within ±90° and longitude within ±180°");
        }

        var w = new Cursor(buffer, offset);
        bool fix = observation.HasFix && double.IsFinite(observation.LatitudeDeg) && double.IsFinite(observation.LongitudeDeg);
        WriteRmc(ref w, time, observation, fix);
        WriteGga(ref w, time, observation, fix);
        if (IncludeGsa)
        {
            WriteGsa(ref w, observation, fix);
        }

        return w.Position - offset;
    }

    /// <summary>The epoch as text (for tests and logs).</summary>
    /// <param name="utcMs">The epoch's UTC time.</param>
    /// <param name="observation">What the receiver reports.</param>
    /// <returns>The sentences, each ending in CRLF.</returns>
    public string Format(long utcMs, in GnssObservation observation)
    {
        var buffer = new byte[MaxEpochBytes];
        int n = Write(utcMs, observation, buffer, 0);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static DateTime ToTime(long utcMs)
    {
        if (utcMs < MinUtcMs || utcMs >= MaxUtcMs)
        {
            throw new ArgumentOutOfRangeException(nameof(utcMs), utcMs, "the writer prints years 2000 to 2079 (RMC's two-digit year)");
        }

        return DateTime.UnixEpoch.AddMilliseconds(utcMs);
    }

    // $GNRMC,hhmmss.ss,A,ddmm.mmmmm,N,dddmm.mmmmm,W,knots,course,ddmmyy,,,A*hh
    // Fields (NMEA 0183 v2.3): 1 time, 2 status, 3-6 position, 7 speed (knots), 8 course, 9 date,
    // 10-11 magnetic variation (empty), 12 mode (A autonomous, N no fix).
    private void WriteRmc(ref Cursor w, DateTime time, in GnssObservation o, bool fix)
    {
        Start(ref w, "RMC");
        WriteTime(ref w, time);
        w.Text(fix ? ",A," : ",V,");
        if (fix)
        {
            WritePosition(ref w, o.LatitudeDeg, o.LongitudeDeg);
        }
        else
        {
            w.Text(",,,");
        }

        w.Comma();
        if (fix && double.IsFinite(o.SpeedMps))
        {
            // 1 knot = 1852 m per hour (NMEA 0183 field 7 is knots).
            w.Fixed((long)Math.Round(Math.Clamp(o.SpeedMps, 0, MaxSpeedMps) * 3600 / 1852 * 100), 2);
        }

        w.Comma();
        if (fix && double.IsFinite(o.CourseDeg))
        {
            long c = (long)Math.Round(o.CourseDeg * 100) % 36000;
            w.Fixed(c < 0 ? c + 36000 : c, 2);
        }

        w.Comma();
        w.Digits(time.Day, 2);
        w.Digits(time.Month, 2);
        w.Digits(time.Year % 100, 2);
        w.Text(fix ? ",,,A" : ",,,N");
        End(ref w);
    }

    // $GNGGA,hhmmss.ss,ddmm.mmmmm,N,dddmm.mmmmm,W,q,nn,h.hh,alt,M,,,,
    // Fields: 1 time, 2-5 position, 6 quality (0 none, 1 autonomous), 7 satellites used, 8 HDOP,
    // 9-10 altitude MSL and M, 11-12 geoid separation (empty), 13-14 DGPS age and station (empty).
    private void WriteGga(ref Cursor w, DateTime time, in GnssObservation o, bool fix)
    {
        Start(ref w, "GGA");
        WriteTime(ref w, time);
        w.Comma();
        if (fix)
        {
            WritePosition(ref w, o.LatitudeDeg, o.LongitudeDeg);
        }
        else
        {
            w.Text(",,,");
        }

        w.Text(fix ? ",1," : ",0,");
        w.Digits(Math.Clamp(o.Satellites, 0, 99), 2);
        w.Comma();
        if (fix && double.IsFinite(o.Hdop))
        {
            w.Fixed(Math.Min(9999, (long)Math.Round(Math.Max(0, o.Hdop) * 100)), 2);
        }
        else if (!fix)
        {
            w.Text("99.99");
        }

        w.Comma();
        if (fix && double.IsFinite(o.AltitudeM))
        {
            w.Fixed((long)Math.Round(Math.Clamp(o.AltitudeM, -9999, 99999) * 10), 1);
            w.Text(",M,,,,");
        }
        else
        {
            w.Text(",,,,,");
        }

        End(ref w);
    }

    // $GNGSA,A,3,prn x12,pdop,hdop,vdop
    // Fields: 1 selection (A automatic), 2 mode (1 none, 2 2D, 3 3D), 3-14 PRNs used, 15-17 PDOP, HDOP, VDOP.
    private void WriteGsa(ref Cursor w, in GnssObservation o, bool fix)
    {
        Start(ref w, "GSA");
        w.Text(fix ? ",A,3" : ",A,1");
        int used = fix ? Math.Clamp(o.Satellites, 0, Prns.Length) : 0;
        for (int i = 0; i < Prns.Length; i++)
        {
            w.Comma();
            if (i < used)
            {
                w.Digits(Prns[i], 2);
            }
        }

        if (fix && double.IsFinite(o.Hdop))
        {
            // VDOP is taken as 1.4·HDOP, a typical open-sky ratio; PDOP² = HDOP² + VDOP².
            double h = Math.Max(0, o.Hdop);
            w.Comma();
            w.Fixed(Math.Min(9999, (long)Math.Round(h * Math.Sqrt(1 + (1.4 * 1.4)) * 100)), 2);
            w.Comma();
            w.Fixed(Math.Min(9999, (long)Math.Round(h * 100)), 2);
            w.Comma();
            w.Fixed(Math.Min(9999, (long)Math.Round(h * 1.4 * 100)), 2);
        }
        else if (fix)
        {
            w.Text(",,,");
        }
        else
        {
            w.Text(",99.99,99.99,99.99");
        }

        End(ref w);
    }

    private void Start(ref Cursor w, string type)
    {
        w.Byte((byte)'$');
        w.Byte(_talker0);
        w.Byte(_talker1);
        w.Text(type);
    }

    private static void End(ref Cursor w) => w.Checksum();

    private static void WriteTime(ref Cursor w, DateTime time)
    {
        w.Comma();
        w.Digits(time.Hour, 2);
        w.Digits(time.Minute, 2);
        w.Digits(time.Second, 2);
        w.Byte((byte)'.');
        w.Digits(time.Millisecond / 10, 2);
    }

    // ddmm.mmmmm,N,dddmm.mmmmm,E: the angle rounded to 1e-5 arc-minute, then split.
    private static void WritePosition(ref Cursor w, double latitude, double longitude)
    {
        WriteAngle(ref w, latitude, 2, 'N', 'S');
        w.Comma();
        WriteAngle(ref w, longitude, 3, 'E', 'W');
    }

    private static void WriteAngle(ref Cursor w, double degrees, int degreeDigits, char positive, char negative)
    {
        long q = (long)Math.Round(Math.Abs(degrees) * 60 * 100000);
        w.Digits(q / 6000000, degreeDigits);
        long minutes = q % 6000000;
        w.Digits(minutes / 100000, 2);
        w.Byte((byte)'.');
        w.Digits(minutes % 100000, 5);
        w.Comma();
        w.Byte((byte)(degrees < 0 && q != 0 ? negative : positive));
    }

    /// <summary>Writes ASCII into a buffer and closes sentences with their checksum.</summary>
    private struct Cursor(byte[] buffer, int position)
    {
        private readonly byte[] _buffer = buffer;
        private int _sentenceStart = position;

        public int Position { get; private set; } = position;

        public void Byte(byte b)
        {
            if (b == (byte)'$')
            {
                _sentenceStart = Position;
            }

            _buffer[Position++] = b;
        }

        public void Comma() => _buffer[Position++] = (byte)',';

        public void Text(string s)
        {
            foreach (char c in s)
            {
                _buffer[Position++] = (byte)c;
            }
        }

        public void Digits(long value, int minDigits)
        {
            Span<byte> digits = stackalloc byte[20];
            int n = 0;
            do
            {
                digits[n++] = (byte)('0' + (value % 10));
                value /= 10;
            }
            while (value > 0);

            for (int i = n; i < minDigits; i++)
            {
                _buffer[Position++] = (byte)'0';
            }

            while (n > 0)
            {
                _buffer[Position++] = digits[--n];
            }
        }

        // A decimal from an integer scaled by 10^decimals: Fixed(1234, 2) is "12.34", Fixed(-5, 1) "-0.5".
        public void Fixed(long scaled, int decimals)
        {
            if (scaled < 0)
            {
                _buffer[Position++] = (byte)'-';
                scaled = -scaled;
            }

            long unit = 1;
            for (int i = 0; i < decimals; i++)
            {
                unit *= 10;
            }

            Digits(scaled / unit, 1);
            _buffer[Position++] = (byte)'.';
            Digits(scaled % unit, decimals);
        }

        // "*hh" then CRLF: hh is the XOR of every byte between '$' and '*' (NMEA 0183 §5.2.1), upper-case hex.
        public void Checksum()
        {
            byte sum = 0;
            for (int i = _sentenceStart + 1; i < Position; i++)
            {
                sum ^= _buffer[i];
            }

            const string Hex = "0123456789ABCDEF";
            _buffer[Position++] = (byte)'*';
            _buffer[Position++] = (byte)Hex[sum >> 4];
            _buffer[Position++] = (byte)Hex[sum & 15];
            _buffer[Position++] = (byte)'\r';
            _buffer[Position++] = (byte)'\n';
        }
    }
}
