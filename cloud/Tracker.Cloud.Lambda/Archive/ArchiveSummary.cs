namespace Tracker.Cloud.Lambda.Archive;

/// <summary>What the archive function returns and logs (one JSON line): the day exported and its manifest's totals.</summary>
/// <param name="Day">The UTC day, yyyy-MM-dd.</param>
/// <param name="Rows">Fixes written.</param>
/// <param name="Files">Part files written.</param>
/// <param name="Cars">Cars with fixes that day.</param>
/// <param name="Bytes">Bytes of Parquet written.</param>
/// <param name="Manifest">Where the manifest is (s3://bucket/prefix/dt=.../_manifest.json).</param>
/// <param name="TripDays">The trips export: days of the window looked at (0 when trips are not exported).</param>
/// <param name="TripDaysWritten">Of which written again, their content having changed (or never exported).</param>
/// <param name="Trips">Trips of <paramref name="Day"/>.</param>
/// <param name="TripBytes">Parquet bytes the trips export wrote (trips and stops).</param>
/// <param name="LateDays">Earlier days exported again because they got fixes after they were over (yyyy-MM-dd).</param>
public sealed record ArchiveSummary(string Day, long Rows, int Files, int Cars, long Bytes, string Manifest, int TripDays = 0, int TripDaysWritten = 0, int Trips = 0, long TripBytes = 0, IReadOnlyList<string>? LateDays = null);
