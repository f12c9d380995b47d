using Tracker.Simulation.Routes;

namespace Tracker.Simulation.Scenarios;

/// <summary>
/// One scenario car, second by second (README.md, "Scenarios with ground truth"): it drives out of its depot along a
/// straight road through a service area and back, in cycles, and the script injects what the Derive stage must find.
/// The car records fixes as the firmware does (every 2 s with the ignition on or while moving, a heartbeat every 15
/// minutes parked), batches them (10 a message, or 30 s), sends statuses live (every 5 minutes driving, 15 parked, and on
/// every change), and in a dead zone keeps its fixes and sends the newest first when coverage returns, then the backlog.
/// Truth is written from the true state, never from what the receiver printed.
/// </summary>
internal sealed class ScenarioCar
{
    private const double DepotRadiusM = 150;
    private const double AreaStartM = 3000;
    private const double AreaEndM = 5000;
    private const double AreaHalfWidthM = 500;
    private const long Second = 1000;
    private const long Minute = 60 * Second;
    private const long ReturnGraceMs = 30 * Minute;
    private const long LateBandMs = 150 * Second;
    private const double NoiseSigmaM = 2.6;
    private static readonly double NoisePhi = Math.Exp(-1.0 / 30);

    private readonly int _index;
    private readonly string _carId;
    private readonly string _depotId;
    private readonly string _areaId;
    private readonly LocalFrame _frame;
    private readonly SimRandom _random;
    private readonly double _limitMps;
    private readonly long _endMs;
    private readonly List<ScenarioDelivery> _deliveries;
    private readonly List<TruthEvent> _truth;
    private readonly List<ScenarioRental> _rentals;
    private readonly List<ScenarioFix> _outbox = [];
    private readonly bool[] _inside = new bool[2];

    private long _t;
    private double _x;
    private double _v;
    private int _direction = 1;
    private double _ex;
    private double _ey;
    private bool _ignitionOn;
    private int _supplyMv = 12_600;
    private long _lastFixMs = long.MinValue;
    private long _lastStatusMs = long.MinValue;
    private long _deadFrom = long.MaxValue;
    private long _deadTo = long.MaxValue;
    private long _overspeedRunStart = -1;
    private bool? _overspeedRunLate;
    private long _parkUntilAtLeast;
    private int _rentalCount;
    private long _holdMs;

    public ScenarioCar(int index, ScenarioOptions options, List<ScenarioDelivery> deliveries, List<TruthEvent> truth, List<ScenarioRental> rentals)
    {
        _index = index;
        _carId = "SIM-" + index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        _depotId = "depot-" + index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        _areaId = "area-" + index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        var fleet = new LocalFrame(options.OriginLatitudeDeg, options.OriginLongitudeDeg);

        // Depots on a grid 2 km apart north-south and 40 km east-west: no car's road comes near another car's zones.
        double north = index % 50 * 2000.0;
        double east = index / 50 * 40_000.0;
        _frame = new LocalFrame(fleet.Latitude(north), fleet.Longitude(east));
        _random = new SimRandom(SimRandom.Derive(options.Seed, (ulong)index + 1));
        _limitMps = options.SpeedLimitKmh / 3.6;
        _t = options.StartMs;
        _endMs = options.StartMs + (long)(options.HoursPerCar * 3600 * Second);
        _deliveries = deliveries;
        _truth = truth;
        _rentals = rentals;
        _inside[0] = true;
        _inside[1] = false;
    }

    public string CarId => _carId;

    public IEnumerable<ScenarioZone> Zones()
    {
        yield return new ScenarioZone(_depotId, "Depot " + _carId, true, _frame.Latitude(0), _frame.Longitude(0), (int)DepotRadiusM, []);
        yield return new ScenarioZone(_areaId, "Service area " + _carId, false, 0, 0, 0,
        [
            (_frame.Latitude(-AreaHalfWidthM), _frame.Longitude(AreaStartM)),
            (_frame.Latitude(-AreaHalfWidthM), _frame.Longitude(AreaEndM)),
            (_frame.Latitude(AreaHalfWidthM), _frame.Longitude(AreaEndM)),
            (_frame.Latitude(AreaHalfWidthM), _frame.Longitude(AreaStartM)),
        ]);
    }

    /// <summary>Runs the car from the start to the end.</summary>
    public void Run()
    {
        SendStatus();
        Record(force: true);
        Park(_t + (long)(_random.Uniform(5, 20) * Minute), powerLoss: false);
        for (int cycle = 0; ; cycle++)
        {
            // Each car's first cycle is sure to have one of the rarer scenarios (by car number), so a fleet of four or
            // more cars has every kind at least once; the rest is left to chance.
            var plan = new CyclePlan(_random, _limitMps, cycle == 0 ? _index % 4 : -1);
            if (_t + plan.EstimatedMs > _endMs - (10 * Minute))
            {
                break;
            }

            RunCycle(plan);
        }

        Park(_endMs, powerLoss: false);
        Flush(force: true);
    }

    private void RunCycle(CyclePlan plan)
    {
        _holdMs = plan.OverspeedHoldMs;
        Park(Math.Max(_t + plan.HomeParkMs, _parkUntilAtLeast), plan.PowerLoss);
        if (plan.Tow)
        {
            Tow(plan.TowM);
            Park(_t + (long)(_random.Uniform(15, 30) * Minute), powerLoss: false);
            SetIgnition(true);
            Idle(20);
            Drive(0, plan.CruiseMps * 0.7, overspeedAt: null, spikeAt: null, jitterStop: false, deadZone: null);
            SetIgnition(false);
            Park(_t + (10 * Minute), powerLoss: false);
        }

        ScenarioRental? rental = null;
        if (plan.Rental)
        {
            long from = _t + (long)(_random.Uniform(2, 8) * Minute);
            from -= from % Second;
            Park(from + (90 * Second), powerLoss: false);
            rental = new ScenarioRental(_carId, "renter-" + _carId + "-" + _rentalCount++, from, long.MaxValue);
            _truth.Add(new TruthEvent(_carId, "rental-started", from, string.Empty, false));
        }

        SetIgnition(true);
        Idle((int)_random.Uniform(20, 60));
        Drive(plan.DistanceM, plan.CruiseMps, plan.OverspeedOutAt, plan.SpikeAt, plan.JitterStop, plan.DeadZone);
        SetIgnition(false);
        if (rental is not null && plan.NotReturned)
        {
            long to = _t + (long)(_random.Uniform(5, 15) * Minute);
            to -= to % Second;
            rental = rental with { ToMs = to };
            _truth.Add(new TruthEvent(_carId, "rental-ended", to, string.Empty, false));
            _truth.Add(new TruthEvent(_carId, "rental-not-returned", to + ReturnGraceMs, string.Empty, false));
            Park(to + ReturnGraceMs + (30 * Minute), powerLoss: false);
            _rentals.Add(rental);
            rental = null;
        }
        else
        {
            Park(_t + (long)(_random.Uniform(5, 15) * Minute), powerLoss: false);
        }

        SetIgnition(true);
        Idle((int)_random.Uniform(20, 60));
        Drive(0, plan.CruiseMps, plan.OverspeedBackAt, spikeAt: null, jitterStop: false, deadZone: null);
        SetIgnition(false);
        if (rental is not null)
        {
            long to = _t + (long)(_random.Uniform(3, 8) * Minute);
            to -= to % Second;
            _rentals.Add(rental with { ToMs = to });
            _truth.Add(new TruthEvent(_carId, "rental-ended", to, string.Empty, false));

            // Judged at the end plus the grace on the last position: the car must still be home then.
            _parkUntilAtLeast = to + ReturnGraceMs + (25 * Minute);
        }
    }

    private void Park(long untilMs, bool powerLoss)
    {
        long lostAt = long.MaxValue;
        long restoreAt = long.MaxValue;
        if (powerLoss)
        {
            lostAt = _t + (long)(_random.Uniform(3, 8) * Minute);
            restoreAt = lostAt + (long)(_random.Uniform(10, 25) * Minute);
            untilMs = Math.Max(untilMs, restoreAt + (5 * Minute));
        }

        _v = 0;
        while (_t < untilMs)
        {
            Advance();
            if (_t >= lostAt && _supplyMv > 1000 && _t < restoreAt)
            {
                _supplyMv = 300;
                _truth.Add(new TruthEvent(_carId, "power-lost", _t, string.Empty, false));
                SendStatus();
            }
            else if (_t >= restoreAt && _supplyMv < 1000)
            {
                _supplyMv = 12_600;
                _truth.Add(new TruthEvent(_carId, "power-restored", _t, string.Empty, false));
                SendStatus();
            }

            Periodic();
        }
    }

    private void Idle(int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            Advance();
            Periodic();
        }
    }

    private void Tow(double metres)
    {
        double anchor = _x;
        bool reported = false;
        double start = _x;
        while (Math.Abs(_x - start) < metres)
        {
            double remaining = metres - Math.Abs(_x - start);
            double target = Math.Min(7, Math.Sqrt(2 * 1.0 * remaining) + 0.3);
            _v = Math.Clamp(target, _v - 2, _v + 1.5);
            _x += _v;
            Advance();
            if (!reported && Math.Abs(_x - anchor) > 300)
            {
                reported = true;
                _truth.Add(new TruthEvent(_carId, "towing", _t, string.Empty, LateAt(_t)));
            }

            Periodic();
        }

        _v = 0;
    }

    private void Drive(double toX, double cruiseMps, long? overspeedAt, long? spikeAt, bool jitterStop, (long From, long Length)? deadZone)
    {
        long startMs = _t;
        _direction = toX >= _x ? 1 : -1;
        double overspeedTarget = _limitMps + _random.Uniform(2.5, 7);
        long overspeedHold = _holdMs;
        double jitterAt = AreaStartM - _random.Uniform(0.5, 2.5);
        bool jitterDone = !jitterStop || _direction < 0;
        if (deadZone is { } dz)
        {
            _deadFrom = startMs + dz.From;
            _deadTo = _deadFrom + dz.Length;
        }

        while (Math.Abs(toX - _x) > 0.5)
        {
            long since = _t - startMs;
            double target = cruiseMps;
            if (overspeedAt is { } o && since >= o && since < o + overspeedHold)
            {
                target = overspeedTarget;
            }
            else if (spikeAt is { } s && since >= s && since < s + (4 * Second))
            {
                target = _limitMps + 2;
            }

            double stopX = !jitterDone ? jitterAt : toX;
            double toStop = Math.Abs(stopX - _x);
            target = Math.Min(target, Math.Sqrt(2 * 2.0 * toStop) + 0.2);
            _v = Math.Clamp(target, Math.Max(0, _v - 3), _v + 2.5);
            double step = Math.Min(_v, toStop);
            _x += _direction * step;
            Advance();
            TrackOverspeed();
            Periodic();
            if (!jitterDone && Math.Abs(jitterAt - _x) < 0.01)
            {
                // Waiting on the line: the receiver's error puts about a quarter of the fixes on the other side.
                _v = 0;
                Idle((int)_random.Uniform(40, 100));
                jitterDone = true;
            }
        }

        _x = toX;
        _v = 0;
        TrackOverspeed();
        _deadFrom = long.MaxValue;
        _deadTo = long.MaxValue;
    }

    private void SetIgnition(bool on)
    {
        Advance();
        _ignitionOn = on;
        _truth.Add(new TruthEvent(_carId, on ? "ignition-on" : "ignition-off", _t, string.Empty, false));
        SendStatus();
        Periodic();
    }

    /// <summary>One second passes: the receiver's error moves, zones are judged on the true position.</summary>
    private void Advance()
    {
        _t += Second;
        _ex = (NoisePhi * _ex) + (NoiseSigmaM * Math.Sqrt(1 - (NoisePhi * NoisePhi)) * _random.Normal());
        _ey = (NoisePhi * _ey) + (NoiseSigmaM * Math.Sqrt(1 - (NoisePhi * NoisePhi)) * _random.Normal());
        bool inDepot = Math.Abs(_x) <= DepotRadiusM;
        bool inArea = _x >= AreaStartM && _x <= AreaEndM;
        Crossing(0, inDepot, _depotId);
        Crossing(1, inArea, _areaId);
        if (Covered(_t) && _deadTo != long.MaxValue && _t >= _deadTo)
        {
            _deadFrom = long.MaxValue;
            _deadTo = long.MaxValue;
        }
    }

    private void Crossing(int zone, bool inside, string id)
    {
        if (_inside[zone] != inside)
        {
            _inside[zone] = inside;
            _truth.Add(new TruthEvent(_carId, inside ? "geofence-enter" : "geofence-exit", _t, id, LateAt(_t)));
        }
    }

    private void TrackOverspeed()
    {
        if (_v > _limitMps && _overspeedRunStart < 0)
        {
            _overspeedRunStart = _t;
            _overspeedRunLate = LateAt(_t);
        }
        else if (_v <= _limitMps && _overspeedRunStart >= 0)
        {
            long run = _t - _overspeedRunStart;
            if (run >= 20 * Second)
            {
                _truth.Add(new TruthEvent(_carId, "overspeed", _overspeedRunStart, string.Empty, _overspeedRunLate));
            }
            else if (run > 10 * Second)
            {
                throw new InvalidOperationException("scenario overspeed run of " + run + " ms is neither an episode nor a spike");
            }

            _overspeedRunStart = -1;
        }
    }

    private bool? LateAt(long ts)
    {
        if (_deadTo == long.MaxValue || ts < _deadFrom - (30 * Second))
        {
            return false;
        }

        return ts >= _deadFrom && ts < _deadTo - LateBandMs ? true : null;
    }

    private bool Covered(long ts) => ts < _deadFrom || ts >= _deadTo;

    /// <summary>What the firmware does each second: record a fix when due, send what is due, statuses on their period.</summary>
    private void Periodic()
    {
        Record(force: false);
        if (_t - _lastStatusMs >= (_ignitionOn ? 5 : 15) * Minute)
        {
            SendStatus();
        }

        Flush(force: false);
    }

    private void Record(bool force)
    {
        bool active = _ignitionOn || _v > 0.5;
        if (!force && _t - _lastFixMs < (active ? 2 * Second : 15 * Minute))
        {
            return;
        }

        _lastFixMs = _t;
        double speed = _v > 0 ? Math.Max(0, _v + (0.08 * _random.Normal())) : Math.Abs(0.03 * _random.Normal());
        double white = 0.8;
        _outbox.Add(new ScenarioFix(
            _t,
            _frame.Latitude(_ey + (white * _random.Normal())),
            _frame.Longitude(_x + _ex + (white * _random.Normal())),
            speed,
            _direction > 0 ? 90 : 270,
            0.9));
    }

    private void Flush(bool force)
    {
        if (_outbox.Count == 0 || !Covered(_t))
        {
            return;
        }

        bool parked = !_ignitionOn && _v <= 0.5;
        bool afterDeadZone = _outbox[0].Ts < _t - (60 * Second);
        if (!force && !parked && _outbox.Count < 10 && _t - _outbox[0].Ts < 30 * Second)
        {
            return;
        }

        long arrival = _t + (long)_random.Uniform(300, 900);
        if (afterDeadZone && _outbox.Count > 1)
        {
            // Back in coverage: the newest fix first (the map is live again), then the backlog oldest first.
            ScenarioFix newest = _outbox[^1];
            _outbox.RemoveAt(_outbox.Count - 1);
            Deliver(new ScenarioDelivery(arrival, _carId, [newest], null));
            arrival += 200;
        }

        for (int i = 0; i < _outbox.Count; i += 10)
        {
            Deliver(new ScenarioDelivery(arrival, _carId, _outbox.Skip(i).Take(10).ToArray(), null));
            arrival += 100;
        }

        _outbox.Clear();
    }

    private void SendStatus()
    {
        _lastStatusMs = _t;
        if (!Covered(_t))
        {
            return;
        }

        int supply = _supplyMv < 1000 ? _supplyMv : _ignitionOn ? 14_100 : _supplyMv;
        Deliver(new ScenarioDelivery(_t + (long)_random.Uniform(300, 900), _carId, null, new ScenarioStatus(_t, _ignitionOn, supply, _supplyMv < 1000 ? 3_900 : 4_100)));
    }

    private void Deliver(ScenarioDelivery delivery)
    {
        _deliveries.Add(delivery);
    }

    /// <summary>One cycle's random choices, drawn before it runs so its length is known.</summary>
    private sealed class CyclePlan
    {
        public CyclePlan(SimRandom random, double limitMps, int sure)
        {
            HomeParkMs = (long)(random.Uniform(20, 40) * Minute);
            PowerLoss = random.Chance(0.3) || sure == 2;
            Tow = random.Chance(0.3) || sure == 0;
            TowM = random.Uniform(700, 1400);
            Rental = random.Chance(0.6) || sure == 1;
            NotReturned = (Rental && random.Chance(0.5)) || sure == 1;
            DistanceM = random.Uniform(16_000, 24_000);
            CruiseMps = limitMps * random.Uniform(0.65, 0.85);
            long driveMs = (long)(DistanceM / CruiseMps * Second);
            OverspeedHoldMs = (long)(random.Uniform(25, 90) * Second);

            // Episodes and spikes are kept clear of the service area (where the car may stop on the line) and of the
            // destination's braking, so each is wholly an episode or wholly a spike.
            long earliest = (long)((AreaEndM + 300) / CruiseMps * Second);
            long latest = driveMs - OverspeedHoldMs - (2 * Minute);
            if (random.Chance(0.8) && latest > earliest)
            {
                OverspeedOutAt = (long)random.Uniform(earliest, latest);
            }

            if (random.Chance(0.6) && latest > earliest)
            {
                OverspeedBackAt = (long)random.Uniform(earliest, latest);
            }

            if (random.Chance(0.5) && latest > earliest)
            {
                long at = (long)random.Uniform(earliest, latest);
                if (OverspeedOutAt is not { } o || at + (4 * Second) < o - Minute || at > o + OverspeedHoldMs + (2 * Minute))
                {
                    SpikeAt = at;
                }
            }

            JitterStop = random.Chance(0.5);
            long length = (long)(random.Uniform(7, 11) * Minute);
            if ((random.Chance(0.5) || sure == 3) && driveMs > length + (3 * Minute))
            {
                DeadZone = ((long)random.Uniform(60 * Second, driveMs - length - (90 * Second)), length);
                if (sure == 3 && earliest - Minute + length + (90 * Second) < driveMs && earliest + Minute < latest)
                {
                    // The sure dead zone hides an overspeed episode: found from the backlog, at its true time, late.
                    long from = earliest - Minute;
                    DeadZone = (from, length);
                    OverspeedOutAt = from + (2 * Minute);
                    SpikeAt = null;
                }
            }

            EstimatedMs = HomeParkMs + (PowerLoss ? 40 * Minute : 0) + (Tow ? 60 * Minute : 0) + (Rental ? 10 * Minute : 0)
                + (2 * (driveMs + (5 * Minute))) + (NotReturned ? 80 * Minute : 15 * Minute) + (Rental ? 60 * Minute : 0);
        }

        public long HomeParkMs { get; }

        public bool PowerLoss { get; }

        public bool Tow { get; }

        public double TowM { get; }

        public bool Rental { get; }

        public bool NotReturned { get; }

        public double DistanceM { get; }

        public double CruiseMps { get; }

        public long OverspeedHoldMs { get; }

        public long? OverspeedOutAt { get; }

        public long? OverspeedBackAt { get; }

        public long? SpikeAt { get; }

        public bool JitterStop { get; }

        public (long From, long Length)? DeadZone { get; }

        public long EstimatedMs { get; }
    }
}
