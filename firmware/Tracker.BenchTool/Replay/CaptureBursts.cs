using Tracker.Core.Nmea;

namespace Tracker.BenchTool.Replay;

/// <summary>
/// Cuts a captured byte stream into epochs for replay, with the firmware's one capture splitter
/// (<see cref="NmeaCaptureSplitter"/>, which the simulated cars' log replay uses too): lines end at
/// CR, LF, CRLF or LFCR, before a <c>$</c>, or after <see cref="MaxLineBytes"/> bytes of noise; a
/// sentence whose time differs from the current burst's starts a new burst; a line without a time
/// joins the burst it follows, as it arrived from the receiver, and lines before the first timed
/// sentence make a burst of their own. Concatenating the bursts gives back the input exactly.
/// </summary>
public static class CaptureBursts
{
    /// <summary>Longest run sent as one line when no line ending comes.</summary>
    public const int MaxLineBytes = NmeaCaptureSplitter.MaxLineBytes;

    /// <summary>The bursts of <paramref name="input"/>, read incrementally.</summary>
    public static IEnumerable<CaptureBurst> Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var burst = new MemoryStream();
        int lines = 0, untimed = 0;
        int? burstTime = null;
        foreach ((byte[] bytes, int timeOfDayMs, bool startsEpoch) in Lines(input))
        {
            if (startsEpoch && lines > 0)
            {
                yield return new CaptureBurst(burst.ToArray(), lines, untimed, burstTime);
                burst.SetLength(0);
                lines = 0;
                untimed = 0;
            }

            if (timeOfDayMs >= 0)
            {
                burstTime = timeOfDayMs;
            }
            else
            {
                untimed++;
            }

            burst.Write(bytes);
            lines++;
        }

        if (lines > 0)
        {
            yield return new CaptureBurst(burst.ToArray(), lines, untimed, burstTime);
        }
    }

    /// <summary>The captured lines, each with its own ending, its time of day (-1 for none) and whether it starts an epoch.</summary>
    private static IEnumerable<(byte[] Bytes, int TimeOfDayMs, bool StartsEpoch)> Lines(Stream input)
    {
        var splitter = new NmeaCaptureSplitter();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            int used = 0;
            while (used < n)
            {
                used += splitter.Push(buffer, used, n - used);
                if (splitter.HasLine)
                {
                    yield return (splitter.Line[..splitter.LineLength], splitter.TimeOfDayMs, splitter.StartsEpoch);
                }
            }
        }

        splitter.EndOfInput();
        if (splitter.HasLine)
        {
            yield return (splitter.Line[..splitter.LineLength], splitter.TimeOfDayMs, splitter.StartsEpoch);
        }
    }
}
