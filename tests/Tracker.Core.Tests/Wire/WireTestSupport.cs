using System.Globalization;
using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Wire;

/// <summary>Encode/decode round trips, hex and readable fix listings shared by the wire tests.</summary>
internal static class WireTestSupport
{
    /// <summary>Encodes every fix of <paramref name="fixes"/> into one message (fails if they do not all fit).</summary>
    public static byte[] EncodeAll(Fix[] fixes)
    {
        var encoder = new BatchEncoder();
        byte[] buffer = new byte[BatchFormat.MaxEncodedSize(fixes.Length)];
        int size = encoder.Encode(fixes, 0, fixes.Length, buffer, 0, out int written);
        Assert.Equal(fixes.Length, written);
        return buffer[..size];
    }

    /// <summary>Decodes a whole message, asserting success.</summary>
    public static Fix[] DecodeAll(byte[] message)
    {
        Assert.True(BatchDecoder.TryReadCount(message, 0, message.Length, out int announced, out BatchError headerError), headerError.ToString());
        var output = new Fix[announced];
        bool ok = BatchDecoder.TryDecode(message, 0, message.Length, output, out int count, out BatchError error);
        Assert.True(ok, error.ToString());
        Assert.Equal(BatchError.None, error);
        Assert.Equal(announced, count);
        return output;
    }

    /// <summary>Asserts two fix sequences are identical field by field, naming the first difference.</summary>
    public static void AssertSameFixes(Fix[] expected, Fix[] actual, int actualCount = -1)
    {
        int count = actualCount < 0 ? actual.Length : actualCount;
        Assert.Equal(expected.Length, count);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                Assert.Fail($"fix {i} differs:\n expected {Describe(expected[i])}\n actual   {Describe(actual[i])}");
            }
        }
    }

    /// <summary>Lower-case hex without separators.</summary>
    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Parses hex, ignoring white space.</summary>
    public static byte[] FromHex(string hex)
    {
        var clean = new StringBuilder();
        foreach (char c in hex)
        {
            if (!char.IsWhiteSpace(c))
            {
                clean.Append(c);
            }
        }

        return Convert.FromHexString(clean.ToString());
    }

    /// <summary>One line per fix, as the README lists them.</summary>
    public static string Describe(Fix f) => string.Create(
        CultureInfo.InvariantCulture,
        $"t={f.TimeMs} lat={f.LatE7} lon={f.LonE7} alt={Opt(f.AltCm)} speed={Opt(f.SpeedMmps)} course={Opt(f.CourseCdeg)} hdop={Opt(f.HdopX100)} sats={Opt(f.Satellites)} mode={(int)f.Mode} quality={(int)f.Quality}");

    /// <summary>Builds a fix with every field given (Fix.Unknown allowed for the optional ones).</summary>
    public static Fix Make(long t, int lat, int lon, int alt, int speed, int course, int hdop, int sats, int mode = 3, int quality = 1)
    {
        Fix f = Fix.Create(t, lat, lon);
        f.AltCm = alt;
        f.SpeedMmps = speed;
        f.CourseCdeg = course;
        f.HdopX100 = hdop;
        f.Satellites = sats;
        f.Mode = (FixMode)mode;
        f.Quality = (FixQuality)quality;
        return f;
    }

    private static string Opt(int v) => v == Fix.Unknown ? "unknown" : v.ToString(CultureInfo.InvariantCulture);
}
