using Tracker.Simulation.Gnss;

namespace Tracker.Simulation.Routes;

/// <summary>
/// The repository's route generator: one car's endless drive through a <see cref="RoadNetwork"/>,
/// one epoch per second, with the truth, what its receiver reports, and its outages (tunnels and
/// urban canyons without a fix, cellular dead zones). Deterministic: the same network and car seed
/// give the same epochs.
/// </summary>
/// <remarks>
/// Not thread-safe: one car's generator is driven by one thread at a time. The network may be
/// shared by any number of generators.
/// </remarks>
public sealed class RouteGenerator
{
    private readonly RoadNetwork _network;
    private readonly RouteOptions _options;
    private readonly Driver _driver;
    private readonly ReceiverModel _receiver;
    private readonly SimRandom _outages;
    private readonly double _terrainPhaseEast;
    private readonly double _terrainPhaseNorth;
    private long _second;
    private double _drivingS;
    private double _nextTunnelAtDrivingS;
    private long _tunnelEndsAt = -1;

    /// <summary>Starts car <paramref name="carSeed"/>'s drive in <paramref name="network"/>.</summary>
    /// <param name="network">The town (shared between cars).</param>
    /// <param name="carSeed">The car's seed: its start, destinations, pace, receiver noise and outages.</param>
    public RouteGenerator(RoadNetwork network, int carSeed)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _options = network.Options;
        long seed = ((long)_options.Seed << 32) ^ (uint)carSeed;
        _driver = new Driver(network, new SimRandom(SimRandom.Derive(seed, 1)));
        _receiver = new ReceiverModel(_options, new SimRandom(SimRandom.Derive(seed, 2)));
        _outages = new SimRandom(SimRandom.Derive(seed, 3));
        Coverage = new CoverageSchedule(_options, new SimRandom(SimRandom.Derive(seed, 4)));
        var terrain = new SimRandom(SimRandom.Derive(_options.Seed, 5));
        _terrainPhaseEast = terrain.Uniform(0, 2 * Math.PI);
        _terrainPhaseNorth = terrain.Uniform(0, 2 * Math.PI);
        _nextTunnelAtDrivingS = _options.TunnelEvery.Draw(_outages);
        CarSeed = carSeed;
    }

    /// <summary>The town.</summary>
    public RoadNetwork Network => _network;

    /// <summary>The car's seed.</summary>
    public int CarSeed { get; }

    /// <summary>The car's cellular coverage over time (milliseconds since the first epoch).</summary>
    public CoverageSchedule Coverage { get; }

    /// <summary>The second the next call to <see cref="Next"/> returns.</summary>
    public long NextSecond => _second;

    /// <summary>Trips completed so far.</summary>
    public int Trips => _driver.Trips;

    /// <summary>Drives one second and returns that epoch (the first call returns second 0, the start).</summary>
    /// <returns>The epoch.</returns>
    public RouteEpoch Next()
    {
        if (_second > 0)
        {
            _driver.AdvanceSecond();
        }

        long second = _second++;
        DrivePhase phase = _driver.Phase;
        bool tunnel = UpdateTunnel(second, phase);
        double heading = _driver.HeadingRad * 180 / Math.PI;
        var truth = new DriveTruth(
            _driver.X,
            _driver.Y,
            _network.Frame.Latitude(_driver.Y),
            _network.Frame.Longitude(_driver.X),
            Altitude(_driver.X, _driver.Y),
            _driver.SpeedMps,
            heading < 0 ? heading + 360 : heading,
            phase,
            _driver.Road,
            _driver.SpeedLimitMps);
        GnssObservation gnss = _receiver.Observe(truth, tunnel, _network.Frame);
        bool deadZone = !Coverage.InCoverage(second * 1000);
        return new RouteEpoch(second, truth, gnss, tunnel, deadZone);
    }

    // Tunnels come after TunnelEvery seconds of driving (moving) and last TunnelDuration seconds of
    // time; one never starts while the car stands or is parked.
    private bool UpdateTunnel(long second, DrivePhase phase)
    {
        if (!_options.Tunnels)
        {
            return false;
        }

        if (_tunnelEndsAt >= 0)
        {
            if (second < _tunnelEndsAt)
            {
                return true;
            }

            _tunnelEndsAt = -1;
            _nextTunnelAtDrivingS = _drivingS + _options.TunnelEvery.Draw(_outages);
        }

        if (phase != DrivePhase.Moving)
        {
            return false;
        }

        _drivingS++;
        if (_drivingS < _nextTunnelAtDrivingS)
        {
            return false;
        }

        _tunnelEndsAt = second + Math.Max(1, (long)Math.Round(_options.TunnelDuration.Draw(_outages)));
        return true;
    }

    // Gentle hills: a few tens of metres over kilometres (grades around 1%).
    private double Altitude(double east, double north) =>
        _options.AltitudeM + (25 * Math.Sin((east / 2300) + _terrainPhaseEast)) + (15 * Math.Cos((north / 1700) + _terrainPhaseNorth));
}
