using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Core.Fixes;

namespace Tracker.Core.Tests.Nmea;

/// <summary>
/// Compares the reader with gpsd's own decoding of its regression captures in ../shared/data/gpsd:
/// each <c>NAME.log</c> is what a receiver sent, <c>NAME.log.chk</c> what gpsd reported.
/// </summary>
public static class GpsdCorpus
{
    /// <summary>
    /// gpsd's last TPV report for one epoch. <see cref="TimeMs"/> is null where gpsd reported a
    /// position without a time (it does so for the first epoch after acquiring a fix).
    /// </summary>
    public sealed record GpsdFix(int MsOfDay, long? TimeMs, int Mode, double Lat, double Lon, double? Speed, double? Track);

    /// <summary>1024 GPS weeks: gpsd moves dates it believes are before a week rollover by this much.</summary>
    public const long GpsWeekRolloverMs = 1024L * 7 * 86_400_000;

    /// <summary>The captures present, by name.</summary>
    public static IReadOnlyList<string> Logs()
    {
        string? dir = SharedData.Root is null ? null : Path.Combine(SharedData.Root, "gpsd");
        if (dir is null || !Directory.Exists(dir))
        {
            return [];
        }

        return Directory.GetFiles(dir, "*.log").Where(p => File.Exists(p + ".chk")).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The bytes gpsd was fed: the capture without its '#' comment lines.</summary>
    public static byte[] Input(string logPath)
    {
        var kept = new MemoryStream();
        foreach (byte[] line in SplitLines(File.ReadAllBytes(logPath)))
        {
            if (line.Length > 0 && line[0] == (byte)'#')
            {
                continue;
            }

            kept.Write(line);
        }

        return kept.ToArray();
    }

    /// <summary>
    /// gpsd's fixes, keyed by UTC time of day: for each epoch, the last TPV with mode 2 or 3 and a
    /// position. An epoch's time of day is that of the sentence gpsd had just read when it reported.
    /// </summary>
    public static Dictionary<int, GpsdFix> Expected(string logPath)
    {
        var byTime = new Dictionary<int, GpsdFix>();
        int? sentenceMsOfDay = null;
        foreach (string line in File.ReadLines(logPath + ".chk"))
        {
            if (line.StartsWith('$'))
            {
                sentenceMsOfDay = SentenceTimeOfDay(line) ?? sentenceMsOfDay;
                continue;
            }

            if (!line.StartsWith("{\"class\":\"TPV\"", StringComparison.Ordinal))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            JsonElement tpv = doc.RootElement;
            // The last TPV of an epoch decides, whatever its mode: a later "mode 1" withdraws an earlier fix.
            if (!tpv.TryGetProperty("mode", out JsonElement mode))
            {
                continue;
            }

            bool fix = mode.GetInt32() >= 2 && tpv.TryGetProperty("lat", out _) && tpv.TryGetProperty("lon", out _);
            double lat = fix ? tpv.GetProperty("lat").GetDouble() : double.NaN;
            double lon = fix ? tpv.GetProperty("lon").GetDouble() : double.NaN;

            long? ms = tpv.TryGetProperty("time", out JsonElement time)
                ? DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()
                : null;
            // A report answers the sentence gpsd had just read: key it by that sentence's time. (A
            // TPV's own "time" can be stale: after a sentence without a fix gpsd repeats the last time.)
            int? msOfDay = sentenceMsOfDay ?? (ms is long known ? (int)(known % 86_400_000) : null);
            if (msOfDay is not int key)
            {
                continue;
            }

            double? speed = tpv.TryGetProperty("speed", out JsonElement s) ? s.GetDouble() : null;
            double? track = tpv.TryGetProperty("track", out JsonElement t) ? t.GetDouble() : null;
            byTime[key] = new GpsdFix(key, ms, mode.GetInt32(), lat, lon, speed, track);
        }

        return byTime.Where(kv => kv.Value.Mode >= 2 && !double.IsNaN(kv.Value.Lat)).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>Time of day of a sentence that carries one (RMC, GGA, GNS, GLL, ZDA), else null.</summary>
    private static int? SentenceTimeOfDay(string sentence)
    {
        string[] f = sentence.Split('*')[0].Split(',');
        if (f[0].Length != 6)
        {
            return null;
        }

        int index = f[0][3..] switch
        {
            "RMC" or "GGA" or "GNS" or "ZDA" => 1,
            "GLL" => 5,
            _ => -1,
        };
        if (index < 0 || index >= f.Length || f[index].Length < 6 || !f[index][..6].All(char.IsAsciiDigit))
        {
            return null;
        }

        int ms = (int.Parse(f[index][..2], CultureInfo.InvariantCulture) * 3600_000) + (int.Parse(f[index][2..4], CultureInfo.InvariantCulture) * 60_000)
            + (int.Parse(f[index][4..6], CultureInfo.InvariantCulture) * 1000);
        if (f[index].Length > 7 && decimal.TryParse("0" + f[index][6..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal frac))
        {
            ms += (int)(frac * 1000);
        }

        return ms;
    }

    /// <summary>
    /// Runs the reader over bytes, in chunks of <paramref name="chunk"/> bytes, and returns every fix.
    /// With <paramref name="flush"/> false the epoch in progress at the end is left open, as gpsd's
    /// regression harness leaves it: gpsd reports an epoch when the next one starts. With it true the
    /// input ends as a file does (<see cref="NmeaFixReader.EndOfInput"/>).
    /// </summary>
    public static List<Fix> Read(byte[] input, int chunk = 4096, NmeaFixReader? reader = null, bool flush = true)
    {
        reader ??= new NmeaFixReader();
        var fixes = new List<Fix>();
        for (int offset = 0; offset < input.Length; offset += chunk)
        {
            int count = Math.Min(chunk, input.Length - offset);
            int used = 0;
            while (used < count)
            {
                used += reader.Push(input, offset + used, count - used);
                if (reader.TryTakeFix(out Fix fix))
                {
                    fixes.Add(fix);
                }
            }
        }

        if (flush)
        {
            reader.EndOfInput();
        }

        while (reader.TryTakeFix(out Fix last))
        {
            fixes.Add(last);
        }

        return fixes;
    }

    private static IEnumerable<byte[]> SplitLines(byte[] data)
    {
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                yield return data[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < data.Length)
        {
            yield return data[start..];
        }
    }
}
