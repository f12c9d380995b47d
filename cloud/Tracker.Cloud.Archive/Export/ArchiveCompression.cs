namespace Tracker.Cloud.Archive.Export;

/// <summary>The Parquet page compression of the archive files.</summary>
public enum ArchiveCompression
{
    /// <summary>
    /// Zstandard: the smallest files; read by Athena engine 3 and Trino ("Use Hive table compression",
    /// Athena user guide: Parquet ZSTD read and write). The default.
    /// </summary>
    Zstd,

    /// <summary>Snappy: larger files, read by every Parquet reader (the choice for older readers).</summary>
    Snappy,
}
