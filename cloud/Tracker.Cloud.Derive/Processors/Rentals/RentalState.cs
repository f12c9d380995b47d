namespace Tracker.Cloud.Derive.Processors.Rentals;

/// <summary>Which of the car's rentals have had their start, end and return decided (ids as <see cref="Zones.RentalIds.Of"/>).</summary>
public sealed class RentalState
{
    /// <summary>Rentals whose start was reported.</summary>
    public List<string> Started { get; set; } = [];

    /// <summary>Rentals whose end was reported.</summary>
    public List<string> Ended { get; set; } = [];

    /// <summary>Rentals whose return was judged (reported or not).</summary>
    public List<string> Judged { get; set; } = [];
}
