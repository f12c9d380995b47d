using System.Globalization;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;
using Tracker.Simulation.Routes;

namespace Tracker.Cloud.Trips.Benchmarks;

/// <summary>
/// Trips against the truth: the simulator's cars (default town, receiver noise, tunnels, dead zones) drive for hours;
/// their receivers' fixes go through a report policy (live-map: every fix; sparse: the firmware's shipped
/// <see cref="ReportPolicy"/>), are delivered in 30 s batches except in dead zones, after which the newest fix comes first
/// and then the backlog (late data), and the Derive engine turns them into trips. The truth: a trip is the drive
/// between two parkings (the simulator's Parked phase), its distance the true path.
/// </summary>
internal static class TruthBench
{
    /// <summary>Print each matched trip over 1 km outside 2%, with what happened in it (--outliers true).</summary>
    public static bool Outliers { get; set; }

    /// <summary>
    /// Simulate the ignition (--ignition true, the default): off a few seconds after the car parks, or after minutes
    /// of idling at one parking in five; on a few seconds before it leaves (a warm-up). Off: fixes only.
    /// </summary>
    public static bool Ignition { get; set; } = true;

    /// <summary>Run only this seed (--only N).</summary>
    public static int? Only { get; set; }

    /// <summary>Print every second of this span of seconds from the start (--trace FROM-TO).</summary>
    public static (long From, long To)? Trace { get; set; }

    public static void Run(int cars, double hours, string policyName)
    {
        RoadNetwork town = RoadNetwork.Generate(RouteOptions.Default);
        var all = new List<CarResult>();
        foreach (string policy in policyName == "both" ? new[] { "live", "sparse" } : new[] { policyName })
        {
            List<CarResult> results = [];
            for (int i = 0; i < cars; i++)
            {
                if (Only is { } only && only != i)
                {
                    continue;
                }

                results.Add(RunCar(town, i, hours, policy == "sparse"));
            }

            Report(policy, cars, hours, results);
            all.AddRange(results);
        }
    }

    private sealed record TruthTrip(long StartMs, long EndMs, double DistanceM, TripWhy Why);

    /// <summary>What happened inside a true trip, to explain a miss: seconds standing in traffic, without a fix, in a dead
    /// zone; the recorded fixes' path while the car truly stood (receiver wander counted as distance).</summary>
    private sealed class TripWhy
    {
        public int StoppedS { get; set; }

        public int NoFixS { get; set; }

        public int DeadS { get; set; }

        public double StandingPathM { get; set; }
    }

    private sealed record CarResult(List<TruthTrip> Truth, List<Trip> Computed, List<Stop> Stops, int TruthParkings, long Fixes, long TruthIdleMs);

    private static CarResult RunCar(RoadNetwork town, int seed, double hours, bool sparse)
    {
        var route = new RouteGenerator(town, seed);
        const long t0 = 1_780_000_000_000;
        string carId = "car-" + seed.ToString(CultureInfo.InvariantCulture);
        var engine = new MiniDerive(carId);
        ReportPolicy? policy = sparse ? new ReportPolicy(ReportConfig.Default) : null;
        List<TruthTrip> truth = [];
        List<Observation> batch = [];
        List<Observation> held = [];
        long seconds = (long)(hours * 3600);
        long? tripStart = null;
        var why = new TripWhy();
        (int Lat, int Lon)? lastRecorded = null;
        double tripM = 0;
        double lastE = double.NaN;
        double lastN = double.NaN;
        int parkings = 0;
        bool wasParked = true;
        long fixes = 0;
        bool inDeadZone = false;
        var random = new Random(seed);
        long idleMs = 0;
        long? parkedAt = null;
        long? offAt = null;
        bool engineOn = false;
        long? wentOffAt = null;
        for (long s = 0; s < seconds; s++)
        {
            RouteEpoch epoch = route.Next();
            long ts = t0 + (s * 1000);
            DriveTruth t = epoch.Truth;
            bool parked = t.Phase == DrivePhase.Parked;
            if (Ignition)
            {
                // The driver switches the engine off some seconds after parking, or idles minutes first (one parking in
                // five); the truth's idle time is the engine on while parked between two trips, the warm-up included.
                if (parked && !wasParked && tripStart is not null)
                {
                    parkedAt = ts;
                    offAt = ts + (random.Next(5) == 0 ? random.Next(60, 400) : random.Next(2, 20)) * 1000L;
                }

                if (offAt is { } off && ts == off && parked && engineOn)
                {
                    (epoch.InDeadZone ? held : batch).Add(Status(carId, ts, IgnitionState.Off));
                    idleMs += ts - (parkedAt ?? ts);
                    engineOn = false;
                    offAt = null;
                    wentOffAt = ts;
                }

                if (!parked && wasParked)
                {
                    if (!engineOn)
                    {
                        // A warm-up before it moves, after the engine went off; stamped at its true time (a status in the
                        // batch before it may already be delivered: late data).
                        long warmUp = random.Next(3, 25) * 1000L;
                        // Never before the switch-off: an engine that idled to seconds before leaving is switched
                        // off and on again in those seconds.
                        long on = Math.Max(ts - warmUp, Math.Max(parkedAt ?? t0, wentOffAt ?? t0) + 1000);
                        (epoch.InDeadZone ? held : batch).Add(Status(carId, Math.Min(on, ts), IgnitionState.On));
                        idleMs += parkedAt is null ? 0 : ts - Math.Min(on, ts);
                    }
                    else if (parkedAt is { } p)
                    {
                        idleMs += ts - p;
                    }

                    engineOn = true;
                    offAt = null;
                    parkedAt = null;
                }
            }

            if (!double.IsNaN(lastE) && tripStart is not null)
            {
                tripM += Math.Sqrt(((t.EastM - lastE) * (t.EastM - lastE)) + ((t.NorthM - lastN) * (t.NorthM - lastN)));
            }

            lastE = t.EastM;
            lastN = t.NorthM;
            if (!parked && wasParked)
            {
                tripStart = ts;
                tripM = 0;
                why = new TripWhy();
            }
            else if (parked && !wasParked && tripStart is { } started)
            {
                truth.Add(new TruthTrip(started, ts, tripM, why));
                tripStart = null;
                parkings++;
            }

            if (Trace is { } tr && s >= tr.From && s <= tr.To)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      s {s} {t.Phase} v {t.SpeedMps:0.0} E {t.EastM:0.0} N {t.NorthM:0.0} trip {tripM:0} fix {epoch.Gnss.HasFix} v {epoch.Gnss.SpeedMps:0.0} tunnel {epoch.InTunnel} dead {epoch.InDeadZone}"));
            }

            wasParked = parked;
            if (tripStart is not null)
            {
                why.StoppedS += t.Phase == DrivePhase.Stopped ? 1 : 0;
                why.NoFixS += epoch.Gnss.HasFix ? 0 : 1;
                why.DeadS += epoch.InDeadZone ? 1 : 0;
            }
            if (epoch.Gnss.HasFix)
            {
                var g = epoch.Gnss;
                int speed = double.IsNaN(g.SpeedMps) ? 0 : (int)Math.Round(g.SpeedMps * 1000);
                var fix = Fix.Create(ts, (int)Math.Round(g.LatitudeDeg * 1e7), (int)Math.Round(g.LongitudeDeg * 1e7));
                fix.SpeedMmps = speed;
                fix.CourseCdeg = double.IsNaN(g.CourseDeg) ? Fix.Unknown : (int)Math.Round(g.CourseDeg * 100) % 36000;
                fix.HdopX100 = (int)Math.Round(g.Hdop * 100);
                fix.Satellites = g.Satellites;
                fix.Mode = FixMode.ThreeD;
                fix.Quality = FixQuality.Autonomous;
                bool record = true;
                if (policy is not null)
                {
                    ReportDecision decision = policy.Decide(fix);
                    record = decision.IsRecord;
                    fix = decision.Fix;
                }

                if (record)
                {
                    fixes++;
                    if (lastRecorded is { } lr && tripStart is not null && t.Phase == DrivePhase.Stopped)
                    {
                        why.StandingPathM += GeoDistance.Metres(lr.Lat, lr.Lon, fix.LatE7, fix.LonE7);
                    }

                    lastRecorded = (fix.LatE7, fix.LonE7);
                    var stored = new StoredFix(carId, fix.TimeMs, fix.LatE7, fix.LonE7, null, fix.SpeedMmps, fix.CourseCdeg == Fix.Unknown ? null : fix.CourseCdeg, fix.HdopX100, fix.Satellites, 3, 1, false, fix.SpeedMmps >= 1389, ts);
                    (epoch.InDeadZone ? held : batch).Add(Observation.Of(stored));
                }
            }

            if (inDeadZone && !epoch.InDeadZone && held.Count > 0)
            {
                // Back in coverage: the newest fix first (the live map), then the backlog in order.
                engine.Deliver([held[^1]], ts);
                engine.Deliver(held[..^1], ts);
                held.Clear();
            }

            inDeadZone = epoch.InDeadZone;
            if (s % 30 == 29 && batch.Count > 0)
            {
                engine.Deliver(batch, ts);
                batch = [];
            }

            if (s % 60 == 59)
            {
                engine.Tick(ts);
            }
        }

        engine.Deliver([.. held, .. batch], t0 + (seconds * 1000));
        engine.Tick(t0 + (seconds * 1000) + 3_600_000);

        if (Trace is { } window)
        {
            foreach (Trip x in engine.Trips.Where(x => x.EndTs >= t0 + (window.From * 1000) && x.StartTs <= t0 + (window.To * 1000)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    computed s {(x.StartTs - t0) / 1000.0}-{(x.EndTs - t0) / 1000.0} {x.DistanceM} m est {x.EstimatedM} m"));
            }
        }

        // Truth trips still running at the end, and computed trips that end after the truth's last parking, are left out.
        long cut = truth.Count > 0 ? truth[^1].EndMs : t0;
        // The stop after the last kept trip is kept too: with the ignition its trip ends when the engine goes off, seconds
        // after the truth's parking began.
        List<Trip> kept = engine.Trips.Where(x => x.StartTs < cut).ToList();
        return new CarResult(truth, kept, engine.Stops.Where(x => x.StartTs <= cut || kept.Exists(k => k.EndTs == x.StartTs)).ToList(), parkings, fixes, idleMs);
    }

    private static Observation Status(string carId, long ts, IgnitionState ignition) =>
        Observation.Of(new StoredStatus { CarId = carId, Ts = ts, ReceivedMs = ts, Ignition = ignition });

    private static void Report(string policy, int cars, double hours, List<CarResult> results)
    {
        int truthTrips = 0;
        int computed = 0;
        int matched = 0;
        int split = 0;
        int merged = 0;
        int missed = 0;
        int zero = 0;
        List<double> tripErrors = [];
        List<double> rentalErrors = [];
        long fixes = 0;
        foreach (CarResult r in results)
        {
            fixes += r.Fixes;
            truthTrips += r.Truth.Count;
            computed += r.Computed.Count;
            zero += r.Computed.Count(c => c.DistanceM < 1);
            foreach (TruthTrip t in r.Truth)
            {
                List<Trip> over = r.Computed.Where(c => c.StartTs < t.EndMs && c.EndTs > t.StartMs).ToList();
                if (over.Count == 0)
                {
                    missed++;
                    if (Outliers)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    missed car {results.IndexOf(r)} truth s {(t.StartMs - 1_780_000_000_000) / 1000}-{(t.EndMs - 1_780_000_000_000) / 1000} {t.DistanceM:0} m; stood {t.Why.StoppedS} s, no fix {t.Why.NoFixS} s, dead zone {t.Why.DeadS} s"));
                    }
                }
                else if (over.Count > 1)
                {
                    split++;
                }
                else if (r.Truth.Count(o => o.StartMs < over[0].EndTs && o.EndMs > over[0].StartTs) > 1)
                {
                    merged++;
                    if (Outliers)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    merged {over[0].CarId} truth s {(t.StartMs - 1_780_000_000_000) / 1000}-{(t.EndMs - 1_780_000_000_000) / 1000} into computed s {(over[0].StartTs - 1_780_000_000_000) / 1000}-{(over[0].EndTs - 1_780_000_000_000) / 1000}"));
                    }
                }
                else
                {
                    matched++;
                    if (t.DistanceM > 1000)
                    {
                        double e = (over[0].DistanceM - t.DistanceM) / t.DistanceM;
                        tripErrors.Add(e);
                        if (Outliers && Math.Abs(e) > 0.02)
                        {
                            Trip c = over[0];
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    miss {c.CarId} s {(t.StartMs - 1_780_000_000_000) / 1000}-{(t.EndMs - 1_780_000_000_000) / 1000} truth {t.DistanceM:0} m {(t.EndMs - t.StartMs) / 1000} s, computed {c.DistanceM:0} m ({e * 100:+0.0;-0.0}%) est {c.EstimatedM:0} m {c.Fixes} fixes; start {(c.StartTs - t.StartMs) / 1000:+0;-0} s end {(c.EndTs - t.EndMs) / 1000:+0;-0} s; stood {t.Why.StoppedS} s (path while standing {t.Why.StandingPathM:0} m), no fix {t.Why.NoFixS} s, dead zone {t.Why.DeadS} s"));
                        }
                    }
                }
            }

            if (Outliers && r.Stops.Count != r.TruthParkings)
            {
                string car = r.Computed.Count > 0 ? r.Computed[0].CarId : "?";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    stops {car}: {r.Stops.Count} for {r.TruthParkings} parkings; trips end {string.Join(' ', r.Computed.Select(c => (c.EndTs - 1_780_000_000_000) / 1000))}; stops start {string.Join(' ', r.Stops.Select(x => (x.StartTs - 1_780_000_000_000) / 1000))}"));
            }

            double truthTotal = r.Truth.Sum(t => t.DistanceM);
            if (truthTotal > 0)
            {
                rentalErrors.Add((r.Computed.Sum(c => c.DistanceM) - truthTotal) / truthTotal);
            }
        }

        Console.WriteLine($"policy {policy}: {cars} cars x {hours} h = {cars * hours} car-hours, {fixes} fixes recorded");
        Console.WriteLine($"  trips: truth {truthTrips}, computed {computed}, matched 1:1 {matched}, truth split {split}, merged {merged}, missed {missed}, 0 km trips {zero}");
        Console.WriteLine($"  distance error per trip over 1 km ({tripErrors.Count}): {Describe(tripErrors)}, within 2%: {Share(tripErrors, 0.02)}");
        Console.WriteLine($"  distance error per rental (a car's whole run, {rentalErrors.Count}): {Describe(rentalErrors)}, within 1%: {Share(rentalErrors, 0.01)}");
        int truthStops = results.Sum(r => r.TruthParkings);
        int stops = results.Sum(r => r.Stops.Count);
        Console.WriteLine($"  stops: truth parkings {truthStops}, computed stops {stops}");
        if (Ignition)
        {
            double truthIdle = results.Sum(r => r.TruthIdleMs) / 3_600_000.0;
            double idle = results.Sum(r => r.Stops.Sum(x => x.IdleMs)) / 3_600_000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  idle hours (ignition on while parked between trips): truth {truthIdle:0.000} h, computed {idle:0.000} h ({(truthIdle > 0 ? (idle - truthIdle) / truthIdle * 100 : 0):+0.0;-0.0}%)"));
        }
    }

    private static string Describe(List<double> errors)
    {
        if (errors.Count == 0)
        {
            return "none";
        }

        List<double> abs = errors.Select(Math.Abs).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"mean {errors.Average() * 100:+0.00;-0.00}%, mean |e| {abs.Average() * 100:0.00}%, p95 |e| {abs[(int)(abs.Count * 0.95)] * 100:0.00}%, max |e| {abs[^1] * 100:0.00}%");
    }

    private static string Share(List<double> errors, double within) =>
        errors.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{errors.Count(e => Math.Abs(e) <= within) * 100.0 / errors.Count:0.0}%");
}
