using Tracker.Simulation.Gnss;

namespace Tracker.Simulation.Routes;

/// <summary>
/// The receiver's errors: a horizontal position error per axis that wanders as a first-order
/// Gauss-Markov process (AR(1): e' = φ·e + √(1-φ²)·σ·n, φ = exp(-1 s / τ)), scaled by an HDOP that
/// drifts slowly; a vertical error 1.7 times larger; Doppler speed noise; course noise that grows
/// as the car slows and a course held while standing; a satellite count that follows the HDOP.
/// After an outage the receiver reacquires with a worse HDOP and a fresh, larger error.
/// </summary>
internal sealed class ReceiverModel
{
    private const double BaseHdop = 0.9;
    private const double HdopStep = 0.03;
    private const double HdopPull = 0.02;
    private const double VerticalFactor = 1.7;
    private const double ReacquireBoost = 1.5;
    private const double BoostDecay = 0.9;
    private const double StandingMps = 0.05;
    private const double CourseFromMps = 0.5;

    private readonly RouteOptions _options;
    private readonly SimRandom _random;
    private readonly double _phi;
    private readonly double _innovation;
    private double _east;
    private double _north;
    private double _up;
    private double _logHdop = Math.Log(BaseHdop);
    private double _boost;
    private int _satellites;
    private double _course = double.NaN;
    private bool _hadFix;

    public ReceiverModel(RouteOptions options, SimRandom random)
    {
        _options = options;
        _random = random;
        _phi = Math.Exp(-1.0 / options.ErrorCorrelationS);
        _innovation = Math.Sqrt(1 - (_phi * _phi));
        Redraw(1);
        _satellites = SatellitesFor(BaseHdop);
    }

    public GnssObservation Observe(in DriveTruth truth, bool hidden, LocalFrame frame)
    {
        if (hidden)
        {
            _hadFix = false;
            return GnssObservation.NoFix(_random.NextInt(4));
        }

        _logHdop += (HdopPull * (Math.Log(BaseHdop) - _logHdop)) + (HdopStep * _random.Normal());
        _logHdop = Math.Clamp(_logHdop, Math.Log(0.5), Math.Log(5));
        if (!_hadFix)
        {
            _boost = ReacquireBoost;
        }

        double hdop = Math.Min(9.9, Math.Exp(_logHdop) * (1 + _boost));
        _boost *= BoostDecay;
        double sigma = _options.PositionErrorM * hdop;
        if (!_hadFix)
        {
            Redraw(hdop);
            _hadFix = true;
        }
        else
        {
            _east = (_phi * _east) + (_innovation * sigma * _random.Normal());
            _north = (_phi * _north) + (_innovation * sigma * _random.Normal());
            _up = (_phi * _up) + (_innovation * sigma * VerticalFactor * _random.Normal());
        }

        int target = SatellitesFor(hdop);
        if (target != _satellites && _random.Chance(0.3))
        {
            _satellites += Math.Sign(target - _satellites);
        }

        double speed = truth.SpeedMps > StandingMps
            ? Math.Max(0, truth.SpeedMps + (_options.SpeedNoiseMps * _random.Normal()))
            : Math.Abs(_options.SpeedNoiseMps * 0.5 * _random.Normal());
        if (truth.SpeedMps > CourseFromMps)
        {
            double noise = _options.CourseNoiseDeg * (1 + (1 / truth.SpeedMps)) * _random.Normal();
            _course = Wrap(truth.HeadingDeg + noise);
        }

        return new GnssObservation(
            true,
            frame.Latitude(truth.NorthM + _north),
            frame.Longitude(truth.EastM + _east),
            truth.AltitudeM + _up,
            speed,
            _course,
            hdop,
            _satellites);
    }

    // More satellites, lower HDOP: roughly 15 at 0.9, 9 at 2.
    private static int SatellitesFor(double hdop) => Math.Clamp((int)Math.Round(26 / (hdop + 0.85)), 4, 24);

    private static double Wrap(double degrees)
    {
        double d = degrees % 360;
        return d < 0 ? d + 360 : d;
    }

    private void Redraw(double hdop)
    {
        double sigma = _options.PositionErrorM * hdop;
        _east = sigma * _random.Normal();
        _north = sigma * _random.Normal();
        _up = sigma * VerticalFactor * _random.Normal();
    }
}
