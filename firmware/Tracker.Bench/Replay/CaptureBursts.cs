namespace Tracker.Bench.Replay;

/// <summary>
/// Cuts a captured byte stream into epochs for replay. A line ends after LF, or after a CR that no
/// LF follows, so CRLF, LF and CR captures all keep their bytes; a run of more than
/// <see cref="MaxLineBytes"/> bytes without a line ending (binary noise) is cut there. A line whose
/// time differs from the current burst's starts a new burst; a line without a time joins the burst
/// it follows, as it arrived from the receiver. Concatenating the bursts gives back the input exactly.
/// </summary>
public static class CaptureBursts
{
    /// <summary>Longest run sent as one line when no line ending comes.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>The bursts of <paramref name="input"/>, read incrementally.</summary>
    public static IEnumerable<CaptureBurst> Read(Stream input)
    {
        var times = new SentenceTime();
        var burst = new MemoryStream();
        int lines = 0, untimed = 0;
        int? burstTime = null;

        foreach (byte[] line in Lines(input))
        {
            int? t = times.Read(line, 0, line.Length);
            if (t is not null && t != burstTime && lines > 0)
            {
                yield return new CaptureBurst(burst.ToArray(), lines, untimed, burstTime);
                burst.SetLength(0);
                lines = 0;
                untimed = 0;
            }

            if (t is not null)
            {
                burstTime = t;
            }
            else
            {
                untimed++;
            }

            burst.Write(line);
            lines++;
        }

        if (lines > 0)
        {
            yield return new CaptureBurst(burst.ToArray(), lines, untimed, burstTime);
        }
    }

    /// <summary>The captured lines, each with its own line ending.</summary>
    public static IEnumerable<byte[]> Lines(Stream input)
    {
        byte[] buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        bool afterCr = false;
        int n;
        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                byte b = buffer[i];
                if (afterCr && b != (byte)'\n')
                {
                    // A CR that no LF follows ended the line (CR-only capture).
                    yield return Take(line);
                }

                afterCr = false;
                line.WriteByte(b);
                if (b == (byte)'\n' || line.Length == MaxLineBytes)
                {
                    yield return Take(line);
                }
                else if (b == (byte)'\r')
                {
                    afterCr = true;
                }
            }
        }

        if (line.Length > 0)
        {
            yield return Take(line);
        }
    }

    private static byte[] Take(MemoryStream line)
    {
        byte[] bytes = line.ToArray();
        line.SetLength(0);
        return bytes;
    }
}
