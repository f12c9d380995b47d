using Tracker.BenchTool.Input;
using Tracker.Core.Fixes;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;
using Tracker.Device.Storage;

namespace Tracker.BenchTool.Replay;

/// <summary>What a host replay published, and what the core counted on the way.</summary>
/// <param name="Messages">Every message, in order.</param>
/// <param name="FixTopic">The topic fix batches go to.</param>
/// <param name="FixesRead">Fixes the NMEA reader produced.</param>
/// <param name="FixesRecorded">Fixes the report policy recorded (appended to the log).</param>
/// <param name="PendingAtEnd">Fixes still in the log, unacknowledged, when the simulation stopped (0 unless the uplink stalled).</param>
/// <param name="Uplink">The uplink engine's own counters.</param>
public sealed record HostReplayResult(
    IReadOnlyList<PublishedMessage> Messages,
    string FixTopic,
    long FixesRead,
    long FixesRecorded,
    long PendingAtEnd,
    UplinkCounters Uplink);

/// <summary>
/// Runs the shared core as the device does, on the capture's own clock: the device's recorder (NMEA
/// reader, clock from GNSS, report policy, FixLog on a directory) and the uplink engine over a link
/// that acknowledges everything. The device loop's tick is simulated once a second of capture time
/// (through gaps too, up to an hour), and once per fix; after the last fix it goes on until the log
/// is drained. The calendar clock takes the capture's dates whatever their year: the replay runs in
/// the capture's time.
/// </summary>
public static class HostReplay
{
    private const long TickMs = 1000;
    private const long MaxFilledGapMs = 3_600_000;
    private const long MaxDrainMs = 86_400_000;

    /// <summary>Replays <paramref name="input"/> through the core into a log of <paramref name="logCapacityBytes"/> kept in <paramref name="logDirectory"/>.</summary>
    public static HostReplayResult Run(Stream input, ReportConfig policyConfig, UplinkOptions options, int logCapacityBytes, string logDirectory)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policyConfig);
        ArgumentNullException.ThrowIfNull(options);
        using var fs = new DirectoryFlashFileSystem();
        FixLog log = FixLog.Open(fs, logDirectory, FixLogOptions.ForCapacity(logCapacityBytes));
        var rtc = new CaptureRtc();
        var clock = new CalendarClock(rtc, plausibleFromUtcMs: 0);
        var recorder = new FixRecorder(new ReportPolicy(policyConfig), log, clock);
        var link = new AckingMqttLink();
        var device = new DeviceStatusValues("bench-replay");
        var engine = new UplinkEngine(link, log, clock, device, options, jitterSeed: 1);
        var messages = new List<PublishedMessage>();
        var decoded = new Fix[BatchFormat.MaxFixes];
        long now = 0, read = 0;

        void Tick()
        {
            engine.Tick(now);
            for (int i = messages.Count; i < link.Published.Count; i++)
            {
                messages.Add(Describe(link.Published[i], options.Topics.Fixes, clock.UtcNowMs, decoded));
            }
        }

        void Advance(long to)
        {
            long target = Math.Min(to, now + MaxFilledGapMs);
            while (now + TickMs < target)
            {
                now += TickMs;
                rtc.Advance(TickMs);
                Tick();
            }

            rtc.Advance(to - now);
            now = to;
        }

        long originMs = 0;
        foreach (Fix fix in NmeaFixes.Read(input, new NmeaFixReader()))
        {
            if (read++ == 0)
            {
                originMs = fix.TimeMs;
            }

            // The device's tick is monotonic: capture time that steps back does not move it.
            long at = fix.TimeMs - originMs;
            if (at > now)
            {
                Advance(at);
            }

            Fix f = fix;
            ReportDecision d = recorder.Record(ref f);
            device.IsMoving = d.Motion == MotionState.Moving;
            device.LastFixTickMs = now;
            Tick();
        }

        long drainUntil = now + MaxDrainMs;
        while ((log.PendingCount > 0 || engine.MessagesInFlight > 0) && read > 0 && now < drainUntil)
        {
            Advance(now + TickMs);
            Tick();
        }

        return new HostReplayResult(messages, options.Topics.Fixes, read, recorder.Recorded, log.PendingCount, engine.Counters);
    }

    private static PublishedMessage Describe((string Topic, byte[] Payload) m, string fixTopic, long nowMs, Fix[] decoded)
    {
        if (m.Topic != fixTopic)
        {
            return new PublishedMessage(m.Topic, m.Payload, 0, 0, 0, nowMs);
        }

        if (!BatchDecoder.TryDecode(m.Payload, 0, m.Payload.Length, decoded, out int count, out BatchError error))
        {
            throw new InvalidOperationException($"the uplink published a fix batch its own decoder rejects: {error}");
        }

        long first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < count; i++)
        {
            first = Math.Min(first, decoded[i].TimeMs);
            last = Math.Max(last, decoded[i].TimeMs);
        }

        return count == 0
            ? new PublishedMessage(m.Topic, m.Payload, 0, 0, 0, nowMs)
            : new PublishedMessage(m.Topic, m.Payload, count, first, last, nowMs);
    }

    /// <summary>The replay's real-time clock: set by the calendar clock from the fixes, and run on by the simulated ticks between them.</summary>
    private sealed class CaptureRtc : IRealTimeClock
    {
        public long UtcNowMs { get; private set; }

        public bool TrySet(long utcMs)
        {
            UtcNowMs = utcMs;
            return true;
        }

        public void Advance(long ms) => UtcNowMs += ms;
    }
}
