using Tracker.Simulation.Gnss;

namespace Tracker.Simulation.Routes;

/// <summary>One second of a simulated drive: the truth, what the receiver reports, and the outages.</summary>
/// <param name="Second">Seconds since the drive began (0, 1, 2...).</param>
/// <param name="Truth">Where the car really is.</param>
/// <param name="Gnss">What the receiver reports (no fix in a tunnel).</param>
/// <param name="InTunnel">True while a tunnel or urban canyon hides the sky.</param>
/// <param name="InDeadZone">True while the car has no cellular network.</param>
public readonly record struct RouteEpoch(long Second, DriveTruth Truth, GnssObservation Gnss, bool InTunnel, bool InDeadZone);
