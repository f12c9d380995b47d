using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;

namespace Tracker.Core.Tests.Nmea;

/// <summary>Builds sentences and runs the reader in tests.</summary>
public static class NmeaTestKit
{
    /// <summary>Appends the correct checksum to a body such as "GPRMC,..." and frames it.</summary>
    public static string Sentence(string body) => $"${body}*{Checksum(body):X2}\r\n";

    /// <summary>XOR of the body's characters.</summary>
    public static int Checksum(string body) => body.Aggregate(0, (sum, c) => sum ^ c);

    /// <summary>Loads one framed, checksummed sentence into a scanner.</summary>
    public static NmeaSentence Scan(string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line.TrimEnd('\r', '\n'));
        Assert.Equal(ChecksumResult.Valid, NmeaChecksum.Verify(bytes, bytes.Length, out int payloadEnd));
        var s = new NmeaSentence();
        Assert.True(s.Load(bytes, payloadEnd));
        return s;
    }

    /// <summary>Reads text through a fresh reader and returns the fixes and the reader.</summary>
    public static (List<Fix> Fixes, NmeaFixReader Reader) Read(string text, int chunk = 4096)
    {
        var reader = new NmeaFixReader();
        return (GpsdCorpus.Read(Encoding.ASCII.GetBytes(text), chunk, reader), reader);
    }

    /// <summary>One second of a u-blox style cycle with every used sentence, valid.</summary>
    public const string GoodEpoch =
        "$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57\r\n" +
        "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\r\n" +
        "$GPGGA,083559.00,4717.11437,N,00833.91522,E,1,08,1.01,499.6,M,48.0,M,,*58\r\n" +
        "$GPGSA,A,3,23,29,07,08,09,18,26,28,,,,,1.94,1.18,1.54*0D\r\n";
}
