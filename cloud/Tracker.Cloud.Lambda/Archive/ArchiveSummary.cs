namespace Tracker.Cloud.Lambda.Archive;

/// <summary>What the archive function returns and logs (one JSON line): the day exported and its manifest's totals.</summary>
/// <param name="Day">The UTC day, yyyy-MM-dd.</param>
/// <param name="Rows">Fixes written.</param>
/// <param name="Files">Part files written.</param>
/// <param name="Cars">Cars with fixes that day.</param>
/// <param name="Bytes">Bytes of Parquet written.</param>
/// <param name="Manifest">Where the manifest is (s3://bucket/prefix/dt=.../_manifest.json).</param>
public sealed record ArchiveSummary(string Day, long Rows, int Files, int Cars, long Bytes, string Manifest);
