namespace Tracker.Cloud.Derive.Limits;

/// <summary>What a <see cref="LimitSetting"/> applies to; the most specific one wins (rental, then car, then fleet).</summary>
public enum LimitScope
{
    /// <summary>Every car: the fleet's default.</summary>
    Fleet,

    /// <summary>One car.</summary>
    Car,

    /// <summary>One rental (<see cref="Zones.RentalIds"/>), while it runs.</summary>
    Rental,
}
