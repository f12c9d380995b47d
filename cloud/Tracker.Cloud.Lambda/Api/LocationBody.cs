using System.Text.Json.Serialization;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// One position as the API returns it: degrees for maps (exact decimals of the stored 1e-7 integers), the
/// stored integers themselves, and null for what the car did not report.
/// </summary>
/// <param name="CarId">The car.</param>
/// <param name="Ts">UTC epoch ms of the fix.</param>
/// <param name="Time">The same instant, ISO-8601 UTC.</param>
/// <param name="Lat">Latitude, degrees.</param>
/// <param name="Lon">Longitude, degrees.</param>
/// <param name="LatE7">Latitude, 1e-7 degrees.</param>
/// <param name="LonE7">Longitude, 1e-7 degrees.</param>
/// <param name="AltCm">Altitude MSL, cm, or null.</param>
/// <param name="SpeedMmps">Speed, mm/s, or null.</param>
/// <param name="SpeedDerived">True when the speed was computed at ingest from distance and time.</param>
/// <param name="CourseCdeg">Course, 0.01 degree, or null.</param>
/// <param name="HdopX100">HDOP x100, or null.</param>
/// <param name="Satellites">Satellites used, or null.</param>
/// <param name="Mode">2 or 3 (2D/3D fix).</param>
/// <param name="Quality">GGA quality, 1 to 8.</param>
/// <param name="OdometerM">
/// For a car's own latest position only (<c>GET /cars/{carId}/location</c>): the Derive stage's odometer (issue 17: the
/// GPS distance of its trips, gaps bridged, from the last dashboard reading an operator set; revised by late data), m, at
/// the newest fix Derive has applied, which may be a few seconds older than this one. Absent when Derive has no odometer
/// for the car, when its newest fix is later than this one (a renter's position at the end of their rental), and from
/// history and the fleet list (the fixes no longer carry an odometer).
/// </param>
/// <param name="Moving">Moving or stopped.</param>
/// <param name="ReceivedMs">When ingest accepted it, UTC epoch ms.</param>
/// <param name="State">
/// For a car's latest position only (<c>GET /cars</c>, <c>GET /cars/{carId}/location</c>): <c>moving</c>, <c>stopped</c>
/// or <c>offline</c> at the time of the request (<see cref="CarRules.StateOf"/>, the rules the web app gets too);
/// absent from history.
/// </param>
public sealed record LocationBody(
    string CarId,
    long Ts,
    string Time,
    decimal Lat,
    decimal Lon,
    int LatE7,
    int LonE7,
    int? AltCm,
    int? SpeedMmps,
    bool SpeedDerived,
    int? CourseCdeg,
    int? HdopX100,
    int? Satellites,
    int Mode,
    int Quality,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OdometerM,
    bool Moving,
    long ReceivedMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null)
{
    /// <summary>Maps a stored fix (history: no state).</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>The body.</returns>
    public static LocationBody From(StoredFix fix) => From(fix, null, null);

    /// <summary>Maps a car's latest position with its state.</summary>
    /// <param name="fix">The latest fix.</param>
    /// <param name="state">The car's state now.</param>
    /// <param name="odometerM">The Derive stage's odometer to show with it, or null.</param>
    /// <returns>The body.</returns>
    public static LocationBody Latest(StoredFix fix, CarState state, long? odometerM = null) => From(fix, CarStateNames.Name(state), odometerM);

    private static LocationBody From(StoredFix fix, string? state, long? odometerM)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return new LocationBody(
            fix.CarId,
            fix.Ts,
            DateTimeOffset.FromUnixTimeMilliseconds(fix.Ts).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            fix.LatE7 / 10_000_000m,
            fix.LonE7 / 10_000_000m,
            fix.LatE7,
            fix.LonE7,
            fix.AltCm,
            fix.SpeedMmps,
            fix.SpeedDerived,
            fix.CourseCdeg,
            fix.HdopX100,
            fix.Satellites,
            fix.Mode,
            fix.Quality,
            odometerM,
            fix.Moving,
            fix.ReceivedMs,
            state);
    }
}

/// <summary>A page of history: <c>GET /cars/{carId}/locations</c>.</summary>
/// <param name="CarId">The car.</param>
/// <param name="Start">The window's start, UTC epoch ms (inclusive).</param>
/// <param name="End">The window's end, UTC epoch ms (exclusive).</param>
/// <param name="Fixes">The fixes, oldest first.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page, with the same start and end; null on the last page.</param>
public sealed record HistoryBody(string CarId, long Start, long End, IReadOnlyList<LocationBody> Fixes, string? NextCursor);

/// <summary>The fleet's latest positions: <c>GET /cars</c>.</summary>
/// <param name="Cars">One latest position per car.</param>
public sealed record FleetBody(IReadOnlyList<LocationBody> Cars);
