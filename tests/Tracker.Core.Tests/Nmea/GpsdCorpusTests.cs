using System.Globalization;
using System.Text;
using Tracker.Core.Fixes;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Nmea;

public sealed class GpsdCorpusTests(ITestOutputHelper output)
{
    private const double PositionToleranceDeg = 1.5e-7;
    private const double SpeedToleranceMps = 0.01;
    private const double TrackToleranceDeg = 0.01;

    /// <summary>
    /// Epochs where the reader reports a fix and gpsd reports none, each read by hand. In every case
    /// the sentences of the epoch say "valid" with a position; gpsd's report logic, not the data,
    /// leaves them out. They are listed, not hidden: any other disagreement fails the test.
    /// </summary>
    private static readonly Dictionary<(string Log, string Time), string> ReviewedGpsdOmissions = new()
    {
        [("ais-nmea.log", "21:40:13")] = "AIS !AIVDM lines interleaved with the GPS cycle upset gpsd's cycle-end detection; RMC A, GGA 1 and GLL A all agree",
        [("ais-nmea.log", "21:41:48")] = "as above",
        [("ais-nmea.log", "21:41:50")] = "as above",
        [("quectel.log", "02:20:38")] = "GGA 1, RMC A and GSA 2 for 02:20:38; gpsd withdraws it when the next epoch (no time, GSA 1) starts",
        [("ublox-lea-5h.log", "08:37:36")] = "a lone RMC A (the capture repeats it, then jumps 18 minutes); gpsd waits for the GLL that ends its cycle",
        [("ublox-zed-f9t-ubx_nmea_l5.log", "19:33:34")] = "first epoch: GGA 1 dated by the ZDA that follows it; gpsd reports only once it has a date before the position",
    };

    [SharedDataFact("gpsd/README.md")]
    public void Reader_AgreesWithGpsd_OverTheRegressionCorpus()
    {
        int gpsdFixes = 0, found = 0, reported = 0, matching = 0, reviewed = 0, positionDisagreements = 0;
        var report = new StringBuilder();
        foreach (string log in GpsdCorpus.Logs())
        {
            Dictionary<int, GpsdCorpus.GpsdFix> expected = GpsdCorpus.Expected(log);
            List<Fix> ours = GpsdCorpus.Read(GpsdCorpus.Input(log), flush: false);
            var byTime = new Dictionary<int, Fix>();
            foreach (Fix f in ours)
            {
                byTime[(int)(f.TimeMs % 86_400_000)] = f;
            }

            int fileFound = expected.Keys.Count(byTime.ContainsKey);
            int fileMatching = 0;
            foreach (Fix f in byTime.Values)
            {
                string? why = Disagreement(f, expected.GetValueOrDefault((int)(f.TimeMs % 86_400_000)));
                if (why is null)
                {
                    fileMatching++;
                    continue;
                }

                string timeOfDay = DateTimeOffset.FromUnixTimeMilliseconds(f.TimeMs).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                if (why == NoGpsdFix && ReviewedGpsdOmissions.ContainsKey((Path.GetFileName(log), timeOfDay)))
                {
                    reviewed++;
                    continue;
                }

                if (why.StartsWith("position", StringComparison.Ordinal))
                {
                    positionDisagreements++;
                }

                report.AppendLine(CultureInfo.InvariantCulture, $"  {Path.GetFileName(log)} {DateTimeOffset.FromUnixTimeMilliseconds(f.TimeMs):O}: {why}");
            }

            foreach (int missing in expected.Keys.Where(t => !byTime.ContainsKey(t)).Take(3))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  {Path.GetFileName(log)} {TimeSpan.FromMilliseconds(missing)}: gpsd has a fix, we have none");
            }

            output.WriteLine($"{Path.GetFileName(log),-40} gpsd {expected.Count,5}  found {fileFound,5}  ours {byTime.Count,5}  matching {fileMatching,5}");
            gpsdFixes += expected.Count;
            found += fileFound;
            reported += byTime.Count;
            matching += fileMatching;
        }

        double foundRatio = gpsdFixes == 0 ? 1 : (double)found / gpsdFixes;
        double rawMatchRatio = reported == 0 ? 1 : (double)matching / reported;
        double matchRatio = reported == 0 ? 1 : (double)matching / (reported - reviewed);
        output.WriteLine($"TOTAL gpsd fixes {gpsdFixes}, found {found} ({foundRatio:P3}); reported {reported}, matching {matching} ({rawMatchRatio:P3} raw, {matchRatio:P3} without the {reviewed} reviewed gpsd omissions); position disagreements {positionDisagreements}");
        output.WriteLine(report.ToString());
        Assert.True(gpsdFixes > 500, $"the corpus should hold thousands of fixes, found {gpsdFixes}");
        Assert.True(foundRatio >= 0.99, $"found {foundRatio:P3} of gpsd's fixes, need 99%\n{report}");
        Assert.True(matchRatio >= 0.999, $"{matchRatio:P3} of our fixes match gpsd, need 99.9%\n{report}");
        Assert.Equal(0, positionDisagreements);
        Assert.True(rawMatchRatio >= 0.99, $"raw agreement {rawMatchRatio:P3}");
    }

    private const string NoGpsdFix = "we report a fix where gpsd has none";

    private static string? Disagreement(Fix ours, GpsdCorpus.GpsdFix? gpsd)
    {
        if (gpsd is null)
        {
            return NoGpsdFix;
        }

        // gpsd moves dates it takes to be before a GPS week rollover on by 1024 weeks; the receiver's date is kept here.
        if (gpsd.TimeMs is long t0 && (ours.TimeMs - t0) % GpsdCorpus.GpsWeekRolloverMs != 0)
        {
            return $"date {DateTimeOffset.FromUnixTimeMilliseconds(ours.TimeMs):O} vs gpsd {DateTimeOffset.FromUnixTimeMilliseconds(t0):O}";
        }

        double lat = ours.LatE7 / 1e7, lon = ours.LonE7 / 1e7;
        if (Math.Abs(lat - gpsd.Lat) > PositionToleranceDeg || Math.Abs(lon - gpsd.Lon) > PositionToleranceDeg)
        {
            return $"position {lat:F9},{lon:F9} vs gpsd {gpsd.Lat:F9},{gpsd.Lon:F9}";
        }

        if (gpsd.Speed is double s && ours.SpeedMmps != Fix.Unknown && Math.Abs((ours.SpeedMmps / 1000.0) - s) > SpeedToleranceMps)
        {
            return $"speed {ours.SpeedMmps / 1000.0} vs gpsd {s}";
        }

        if (gpsd.Track is double t && ours.CourseCdeg != Fix.Unknown)
        {
            double diff = Math.Abs((ours.CourseCdeg / 100.0) - t);
            if (Math.Min(diff, 360 - diff) > TrackToleranceDeg)
            {
                return $"track {ours.CourseCdeg / 100.0} vs gpsd {t}";
            }
        }

        return null;
    }
}
