namespace Tracker.Simulation.Routes;

/// <summary>
/// One simulated driver: picks a destination, takes the quickest route, drives it with bounded
/// acceleration and braking, slows for bends and turns, stops at red lights and stop signs, and at
/// the destination parks for minutes or stops briefly before the next trip. Forever.
/// </summary>
/// <remarks>
/// Speed control looks ahead: the speed allowed now is the least, over every limit ahead within
/// braking distance, of √(v_limit² + 2·b·d), with b the planned braking
/// (<see cref="RouteOptions.BrakingMps2"/>) and d the distance to it. Integration runs in
/// quarter-second steps, and acceleration is clamped to [-3, a_max(v)] m/s² in each, so no second
/// of the drive needs more than <see cref="RouteOptions.MaxBrakingMps2"/>.
/// </remarks>
internal sealed class Driver
{
    private const double StepS = 0.25;
    private const int StepsPerSecond = 4;

    // A car is "standing" below this speed, m/s.
    private const double StandingMps = 0.05;

    // It aims to stop this far before a stop line or the destination, and counts as arrived within ArrivedM.
    private const double StopMarginM = 0.5;
    private const double ArrivedM = 1.5;

    // Stop signs hold a car this long, seconds.
    private const double StopSignMinS = 1;
    private const double StopSignMaxS = 4;

    // A driver decides whether a light is red when it is this far beyond comfortable braking distance.
    private const double LightDecisionMarginM = 20;
    private const double LightDecisionBrakingMps2 = 1.5;

    // How many destinations a driver tries before waiting and trying again.
    private const int DestinationAttempts = 20;

    private readonly RoadNetwork _network;
    private readonly RouteOptions _options;
    private readonly SimRandom _random;

    private double _time;
    private int _node;
    private int _arrivalNode;
    private TripPath? _trip;
    private double _factor = 1;
    private double _s;
    private double _v;
    private int _segment;
    private int _constraint;
    private int _control;
    private bool _controlDecided;
    private bool _controlActive;
    private double _releaseAt;
    private bool _parked;
    private double _waitUntil;

    public Driver(RoadNetwork network, SimRandom random)
    {
        _network = network;
        _options = network.Options;
        _random = random;
        _node = random.NextInt(network.Nodes.Count);
        X = network.Nodes[_node].EastM;
        Y = network.Nodes[_node].NorthM;
        Road = RoadClass.Residential;
        SpeedLimitMps = _options.SpeedLimitMps(Road);

        // A fleet switched on at once should not all start moving: some cars begin in a park.
        _parked = random.Chance(_options.ParkShare);
        _waitUntil = _parked ? random.Uniform(0, _options.Park.Max) : _options.Dwell.Draw(random);
        Phase = _parked ? DrivePhase.Parked : DrivePhase.Stopped;
    }

    /// <summary>Metres east of the centre.</summary>
    public double X { get; private set; }

    /// <summary>Metres north of the centre.</summary>
    public double Y { get; private set; }

    /// <summary>Speed, m/s.</summary>
    public double SpeedMps => _v;

    /// <summary>Compass heading of travel, radians.</summary>
    public double HeadingRad { get; private set; }

    /// <summary>The phase at the end of the last second.</summary>
    public DrivePhase Phase { get; private set; }

    /// <summary>The class of the road the car is on.</summary>
    public RoadClass Road { get; private set; }

    /// <summary>The speed limit where the car is, m/s.</summary>
    public double SpeedLimitMps { get; private set; }

    /// <summary>Trips completed.</summary>
    public int Trips { get; private set; }

    /// <summary>Moves the car on by one second.</summary>
    public void AdvanceSecond()
    {
        for (int i = 0; i < StepsPerSecond; i++)
        {
            Step();
            _time += StepS;
        }

        Phase = _trip == null
            ? (_parked ? DrivePhase.Parked : DrivePhase.Stopped)
            : (_v < StandingMps ? DrivePhase.Stopped : DrivePhase.Moving);
    }

    private void Step()
    {
        if (_trip == null)
        {
            if (_time >= _waitUntil)
            {
                StartTrip();
            }

            return;
        }

        TripPath trip = _trip;
        double accel = _options.AccelerationMps2 * Math.Max(0.35, 1 - (_v / 45));

        // Limits are judged from where this step can end at most, so none is overrun within a step.
        double ahead = _s + ((_v + (accel * StepS)) * StepS);
        double allowed = trip.SpeedLimit(_segment) * _factor;
        double horizon = (_v * _v / (2 * _options.BrakingMps2)) + 30;
        while (_constraint < trip.ConstraintS.Length && trip.ConstraintS[_constraint] < _s)
        {
            _constraint++;
        }

        for (int c = _constraint; c < trip.ConstraintS.Length && trip.ConstraintS[c] - _s <= horizon; c++)
        {
            allowed = Math.Min(allowed, Approach(trip.ConstraintV[c], trip.ConstraintS[c] - ahead));
        }

        double stopAt = trip.LengthM;
        if (UpdateControl(trip))
        {
            stopAt = trip.ControlS[_control];
        }

        allowed = Math.Min(allowed, Approach(0, stopAt - StopMarginM - ahead));
        double v = allowed > _v
            ? Math.Min(allowed, _v + (accel * StepS))
            : Math.Max(allowed, _v - (RouteOptions.MaxBrakingMps2 * StepS));
        v = Math.Max(0, v);
        _s = Math.Min(trip.LengthM, _s + ((_v + v) / 2 * StepS));
        _v = v;
        while (_segment < trip.SegmentCount - 1 && trip.SegmentEnd(_segment) <= _s)
        {
            _segment++;
        }

        (X, Y) = trip.At(_segment, _s);
        HeadingRad = trip.Heading(_segment);
        Road = trip.Class(_segment);
        SpeedLimitMps = trip.SpeedLimit(_segment);

        if (_v < StandingMps && trip.LengthM - _s < ArrivedM && !_controlActive)
        {
            Arrive();
        }
    }

    // The highest speed from which the planned braking still reaches `limit` within `distance`.
    private double Approach(double limit, double distance) =>
        Math.Sqrt((limit * limit) + (2 * _options.BrakingMps2 * Math.Max(0, distance)));

    // Moves through the controls on the trip; true while the current one holds the car back.
    private bool UpdateControl(TripPath trip)
    {
        while (_control < trip.ControlS.Length)
        {
            double line = trip.ControlS[_control];
            if (!_controlDecided)
            {
                if (_s > line + StopMarginM)
                {
                    NextControl(); // passed without stopping (it was behind the car when the trip began)
                    continue;
                }

                double decideWithin = trip.Controls[_control] == NodeControl.TrafficLight
                    ? (_v * _v / (2 * LightDecisionBrakingMps2)) + LightDecisionMarginM
                    : double.PositiveInfinity;
                if (line - _s > decideWithin)
                {
                    return false;
                }

                _controlDecided = true;
                if (trip.Controls[_control] == NodeControl.TrafficLight)
                {
                    bool red = _random.Chance(_options.RedLightShare);
                    _releaseAt = red ? _time + _options.RedLight.Draw(_random) : _time;
                    _controlActive = red && _releaseAt > _time;
                }
                else
                {
                    _releaseAt = double.NaN; // a stop sign releases a moment after the car has stopped
                    _controlActive = true;
                }
            }

            if (!_controlActive)
            {
                NextControl(); // a green light
                continue;
            }

            bool standing = _v < StandingMps && line - _s < ArrivedM;
            if (double.IsNaN(_releaseAt) && standing)
            {
                _releaseAt = _time + _random.Uniform(StopSignMinS, StopSignMaxS);
            }

            if (!double.IsNaN(_releaseAt) && _time >= _releaseAt)
            {
                NextControl();
                continue;
            }

            return true;
        }

        return false;
    }

    private void NextControl()
    {
        _control++;
        _controlDecided = false;
        _controlActive = false;
    }

    private void Arrive()
    {
        _node = _arrivalNode;
        _trip = null;
        _v = 0;
        Trips++;
        _parked = _random.Chance(_options.ParkShare);
        _waitUntil = _time + (_parked ? _options.Park.Draw(_random) : _options.Dwell.Draw(_random));
    }

    private void StartTrip()
    {
        RoadNode here = _network.Nodes[_node];
        for (int attempt = 0; attempt < DestinationAttempts; attempt++)
        {
            int to = _random.NextInt(_network.Nodes.Count);
            RoadNode there = _network.Nodes[to];
            double distance = Math.Sqrt(Square(there.EastM - here.EastM) + Square(there.NorthM - here.NorthM));
            if (to == _node || (distance < _options.MinTripM && attempt < DestinationAttempts / 2))
            {
                continue;
            }

            int[]? route = _network.FindRoute(_node, to);
            if (route == null)
            {
                continue;
            }

            // Each trip has its own pace: some drivers keep below the limit, some a little above.
            _factor = _random.Uniform(0.92, 1.08);
            _trip = TripPath.Build(_network, _node, route, _factor);
            _arrivalNode = to;
            _s = 0;
            _v = 0;
            _segment = 0;
            _constraint = 0;
            _control = 0;
            _controlDecided = false;
            _controlActive = false;
            _parked = false;
            return;
        }

        _waitUntil = _time + _options.Dwell.Max + 1; // nowhere reachable from here now: wait and try again
    }

    private static double Square(double v) => v * v;
}
