using Tracker.Core.Fixes;
using System.Text;
using Tracker.Core.Nmea;

namespace Tracker.Core.Tests.Nmea;

public class ChecksumTests
{
    private static ChecksumResult Verify(string line)
    {
        byte[] b = Encoding.ASCII.GetBytes(line);
        return NmeaChecksum.Verify(b, b.Length, out _);
    }

    [Theory]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1E", ChecksumResult.Valid)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1e", ChecksumResult.Valid)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1E  ", ChecksumResult.Valid)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1F", ChecksumResult.Mismatch)]
    [InlineData("$GPGSA,A,2,,,,,,,,,,,,,,,*1E", ChecksumResult.Mismatch)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,", ChecksumResult.Missing)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1", ChecksumResult.Malformed)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*1EX", ChecksumResult.Malformed)]
    [InlineData("$GPGSA,A,1,,,,,,,,,,,,,,,*G1", ChecksumResult.Malformed)]
    [InlineData("$", ChecksumResult.Missing)]
    public void Verify_ClassifiesTheChecksum(string line, ChecksumResult expected)
    {
        Assert.Equal(expected, Verify(line));
    }

    [Fact]
    public void Mismatch_IsRejected_AndCounted_WithoutTouchingTheNeighbours()
    {
        string bad = NmeaTestKit.GoodEpoch.Replace("4717.11437,N,00833.91522,E,1", "4717.11437,N,00833.91522,E,2", StringComparison.Ordinal);
        var (fixes, reader) = NmeaTestKit.Read(bad);

        Assert.Equal(1, reader.Counters.ChecksumErrors);
        Fix fix = Assert.Single(fixes);
        Assert.Equal(472852395, fix.LatE7); // from RMC, which survived
    }
}
