using System.Globalization;

namespace Tracker.Cloud.Derive.Reports.Places;

/// <summary>
/// Labels every position with its coordinates, latitude first, to five decimals (about a metre): what a report shows
/// where there are no street data (AWS, a replayed drive).
/// </summary>
public sealed class CoordinateLabeller : IPlaceLabeller
{
    /// <summary>The one instance (it has no state).</summary>
    public static readonly CoordinateLabeller Instance = new();

    /// <inheritdoc/>
    public string Label(int latE7, int lonE7) => Format(latE7, lonE7);

    /// <summary>The coordinates as a label: <c>39.50000, -119.80000</c>.</summary>
    /// <param name="latE7">Latitude, 1e-7 degrees.</param>
    /// <param name="lonE7">Longitude, 1e-7 degrees.</param>
    /// <returns>The label.</returns>
    public static string Format(int latE7, int lonE7) =>
        (latE7 / 1e7).ToString("0.00000", CultureInfo.InvariantCulture) + ", " + (lonE7 / 1e7).ToString("0.00000", CultureInfo.InvariantCulture);
}
