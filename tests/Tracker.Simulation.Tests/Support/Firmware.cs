using Tracker.Core.Fixes;

namespace Tracker.Simulation.Tests.Support;

/// <summary>Runs bytes through the firmware's own NMEA read path.</summary>
internal static class Firmware
{
    /// <summary>Every fix <paramref name="bytes"/> decode to, pushing them in chunks of <paramref name="chunk"/> bytes.</summary>
    public static List<Fix> Decode(byte[] bytes, NmeaFixReader? reader = null, int chunk = int.MaxValue)
    {
        reader ??= new NmeaFixReader();
        var fixes = new List<Fix>();
        int position = 0;
        while (position < bytes.Length)
        {
            int n = Math.Min(chunk, bytes.Length - position);
            int used = 0;
            while (used < n)
            {
                used += reader.Push(bytes, position + used, n - used);
                while (reader.TryTakeFix(out Fix f))
                {
                    fixes.Add(f);
                }
            }

            position += n;
        }

        reader.Flush();
        while (reader.TryTakeFix(out Fix f))
        {
            fixes.Add(f);
        }

        return fixes;
    }

    /// <summary>Everything a source prints up to <paramref name="untilUtcMs"/>, read in chunks of <paramref name="chunk"/> bytes.</summary>
    public static byte[] ReadAll(Tracker.Simulation.Gnss.IGnssSource source, long untilUtcMs, int chunk = 4096)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = source.Read(untilUtcMs, buffer, 0, chunk)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
