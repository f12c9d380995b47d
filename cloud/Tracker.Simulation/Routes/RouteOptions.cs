namespace Tracker.Simulation.Routes;

/// <summary>
/// Every knob of the route generator: the town (centre, size, streets, ring highway), the drivers
/// (speed limits, lights, parks), the receiver (noise) and the outages (tunnels, cellular dead
/// zones). Immutable; each property checks its value when set and throws naming itself, so an
/// instance (including one made with <c>with</c>) is always valid.
/// </summary>
/// <remarks>
/// Defaults describe a town the size of Reno, NV, around its downtown: a 200 m street grid with an
/// arterial every fourth street, a ring highway at 70% of the radius, a tunnel or urban canyon every
/// 20 to 40 minutes of driving and a cellular dead zone every 30 to 60 minutes.
/// </remarks>
public sealed record RouteOptions
{
    /// <summary>The defaults (Reno, seed 1).</summary>
    public static RouteOptions Default { get; } = new();

    /// <summary>Seed of the road network. Cars get their own seeds (<see cref="RouteGenerator"/>); the same seed gives the same town.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Latitude of the town centre, degrees, -80 to 80. Default: Reno, NV.</summary>
    public double CenterLatitudeDeg { get; init => field = Check(value, -80, 80); } = 39.5296;

    /// <summary>Longitude of the town centre, degrees, -180 to 180.</summary>
    public double CenterLongitudeDeg { get; init => field = Check(value, -180, 180); } = -119.8138;

    /// <summary>Radius of the street grid, metres, 1,000 to 30,000.</summary>
    public double RadiusM { get; init => field = Check(value, 1000, 30000); } = 5000;

    /// <summary>Distance between parallel streets, metres, 80 to 500.</summary>
    public double StreetSpacingM { get; init => field = Check(value, 80, 500); } = 200;

    /// <summary>Every this many streets (in both directions) is an arterial, 2 to 10.</summary>
    public int ArterialEvery { get; init => field = (int)Check(value, 2, 10); } = 4;

    /// <summary>Share of residential street blocks left out, 0 to 0.4: dead ends and detours, so the grid is not perfect.</summary>
    public double StreetRemovalShare { get; init => field = Check(value, 0, 0.4); } = 0.1;

    /// <summary>How far an intersection may sit from its grid point, metres, 0 to 50 (arterials a quarter of it).</summary>
    public double NodeJitterM { get; init => field = Check(value, 0, 50); } = 12;

    /// <summary>Radius of the ring highway as a share of <see cref="RadiusM"/>, 0.3 to 0.9.</summary>
    public double RingRadiusShare { get; init => field = Check(value, 0.3, 0.9); } = 0.7;

    /// <summary>Interchanges between the ring highway and the arterials, 3 to 24.</summary>
    public int Interchanges { get; init => field = (int)Check(value, 3, 24); } = 8;

    /// <summary>Speed limit of residential streets, km/h, 20 to 60.</summary>
    public double ResidentialKmh { get; init => field = Check(value, 20, 60); } = 40;

    /// <summary>Speed limit of arterials and ramps, km/h, 30 to 90.</summary>
    public double ArterialKmh { get; init => field = Check(value, 30, 90); } = 60;

    /// <summary>Speed limit of the ring highway, km/h, 60 to 130.</summary>
    public double HighwayKmh { get; init => field = Check(value, 60, 130); } = 100;

    /// <summary>Share of arterial crossings with traffic lights, 0 to 1 (a residential street meeting an arterial has a stop sign).</summary>
    public double LightShare { get; init => field = Check(value, 0, 1); } = 0.7;

    /// <summary>Chance that a light is red when a car comes to it, 0 to 1.</summary>
    public double RedLightShare { get; init => field = Check(value, 0, 1); } = 0.5;

    /// <summary>How long a red light still has to run when a car comes to it.</summary>
    public SecondsRange RedLight { get; init => field = CheckRange(value, 0, 300); } = new(0, 60);

    /// <summary>Chance that a trip ends in a park rather than a short stop, 0 to 1.</summary>
    public double ParkShare { get; init => field = Check(value, 0, 1); } = 0.35;

    /// <summary>How long a park lasts.</summary>
    public SecondsRange Park { get; init => field = CheckRange(value, 1, 86400); } = new(120, 1200);

    /// <summary>How long a stop between two trips lasts when the car does not park (a drop-off, a pick-up).</summary>
    public SecondsRange Dwell { get; init => field = CheckRange(value, 0, 3600); } = new(5, 45);

    /// <summary>Shortest straight-line distance from a trip's start to its destination, metres, 100 to 50,000 (kept below the town's size).</summary>
    public double MinTripM { get; init => field = Check(value, 100, 50000); } = 1000;

    /// <summary>True when tunnels and urban canyons take the fix away (<see cref="TunnelEvery"/>, <see cref="TunnelDuration"/>).</summary>
    public bool Tunnels { get; init; } = true;

    /// <summary>Driving time (moving, not stopped or parked) from the end of one GNSS outage to the start of the next.</summary>
    public SecondsRange TunnelEvery { get; init => field = CheckRange(value, 10, 864000); } = new(1200, 2400);

    /// <summary>How long the receiver has no fix in a tunnel or urban canyon.</summary>
    public SecondsRange TunnelDuration { get; init => field = CheckRange(value, 1, 3600); } = new(10, 90);

    /// <summary>True when cellular dead zones take the network away (<see cref="DeadZoneEvery"/>, <see cref="DeadZoneDuration"/>).</summary>
    public bool DeadZones { get; init; } = true;

    /// <summary>Time (driving or not) from the end of one dead zone to the start of the next.</summary>
    public SecondsRange DeadZoneEvery { get; init => field = CheckRange(value, 10, 864000); } = new(1800, 3600);

    /// <summary>How long the car has no network in a dead zone.</summary>
    public SecondsRange DeadZoneDuration { get; init => field = CheckRange(value, 1, 86400); } = new(30, 300);

    /// <summary>Standard deviation of the horizontal position error per axis at HDOP 1, metres, 0 to 10.</summary>
    public double PositionErrorM { get; init => field = Check(value, 0, 10); } = 1.5;

    /// <summary>Correlation time of the position error (first-order Gauss-Markov), seconds, 1 to 3,600.</summary>
    public double ErrorCorrelationS { get; init => field = Check(value, 1, 3600); } = 60;

    /// <summary>Standard deviation of the reported speed, m/s, 0 to 1 (Doppler speed is good to about 0.05 m/s).</summary>
    public double SpeedNoiseMps { get; init => field = Check(value, 0, 1); } = 0.05;

    /// <summary>Standard deviation of the reported course at speed, degrees, 0 to 10; it grows as the car slows.</summary>
    public double CourseNoiseDeg { get; init => field = Check(value, 0, 10); } = 0.3;

    /// <summary>Altitude of the town centre above mean sea level, metres, -500 to 6,000 (Reno: 1,373).</summary>
    public double AltitudeM { get; init => field = Check(value, -500, 6000); } = 1373;

    /// <summary>Strongest acceleration from standstill, m/s², 0.5 to 3 (it falls off with speed).</summary>
    public double AccelerationMps2 { get; init => field = Check(value, 0.5, MaxBrakingMps2); } = 2.5;

    /// <summary>Braking a driver plans with, m/s², 0.5 to 3; braking never exceeds <see cref="MaxBrakingMps2"/>.</summary>
    public double BrakingMps2 { get; init => field = Check(value, 0.5, MaxBrakingMps2); } = 2.0;

    /// <summary>Lateral acceleration a driver accepts in turns and curves, m/s², 0.5 to 4.</summary>
    public double LateralAccelerationMps2 { get; init => field = Check(value, 0.5, 4); } = 2.0;

    /// <summary>The hardest a simulated car ever accelerates or brakes, m/s².</summary>
    public const double MaxBrakingMps2 = 3.0;

    internal double SpeedLimitMps(RoadClass road) => road switch
    {
        RoadClass.Residential => ResidentialKmh / 3.6,
        RoadClass.Arterial => ArterialKmh / 3.6,
        RoadClass.Highway => HighwayKmh / 3.6,
        _ => throw new ArgumentOutOfRangeException(nameof(road)),
    };

    private static double Check(double value, double min, double max, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RouteOptions.{name} must be {min} to {max}");
        }

        return value;
    }

    private static SecondsRange CheckRange(SecondsRange value, double min, double max, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (value.Min < min || value.Max > max || value.Max <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RouteOptions.{name} must lie within {min} to {max} s");
        }

        return value;
    }
}
