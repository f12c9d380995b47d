namespace Tracker.Cloud.Derive.Reports.Places;

/// <summary>
/// What a person reads for a position on a report, an export or a bill (issue 17: "the nearest named street of the
/// town, or coordinates"). A port: the local host labels with the streets of the town its cars drive in
/// (<see cref="StreetLabeller"/>); on AWS no place index is configured, so trips are labelled with their coordinates
/// (<see cref="CoordinateLabeller"/>). A labeller never throws and never invents a place: a position it cannot name
/// gets its coordinates.
/// </summary>
public interface IPlaceLabeller
{
    /// <summary>The label of a position.</summary>
    /// <param name="latE7">Latitude, 1e-7 degrees.</param>
    /// <param name="lonE7">Longitude, 1e-7 degrees.</param>
    /// <returns>A street's name ("Elm Street", "Elm Street at 14th Avenue") or the coordinates ("39.50000, -119.80000").</returns>
    string Label(int latE7, int lonE7);
}
