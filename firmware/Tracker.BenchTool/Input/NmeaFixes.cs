using Tracker.Core.Fixes;

namespace Tracker.BenchTool.Input;

/// <summary>Streams an NMEA byte source through the firmware's reader, fix by fix.</summary>
public static class NmeaFixes
{
    /// <summary>Every fix of the stream, in order; the reader's counters stay readable afterwards.</summary>
    public static IEnumerable<Fix> Read(Stream input, NmeaFixReader reader)
    {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            int used = 0;
            while (used < n)
            {
                used += reader.Push(buffer, used, n - used);
                while (reader.TryTakeFix(out Fix fix))
                {
                    yield return fix;
                }
            }
        }

        // End of file: a last sentence without a line ending is still read.
        reader.EndOfInput();
        while (reader.TryTakeFix(out Fix last))
        {
            yield return last;
        }
    }
}
