namespace Tracker.Cloud.Archive.Schema;

/// <summary>
/// One column of the archived fixes: its name, its type as Glue/Athena DDL spells it, whether it
/// may be null, and what it holds. <see cref="ArchiveSchema.Columns"/> lists them in file order; the
/// Parquet schema, the Glue DDL (cloud/analytics/fixes.sql) and the CDK Glue table are all built
/// from that one list.
/// </summary>
/// <param name="Name">The column name (snake_case, as Athena lower-cases every name anyway).</param>
/// <param name="GlueType">The Hive/Glue type: <c>string</c>, <c>timestamp</c>, <c>double</c>, <c>int</c>, <c>bigint</c> or <c>boolean</c>.</param>
/// <param name="Nullable">True when the Parquet column is OPTIONAL (the value may be unknown); false for REQUIRED.</param>
/// <param name="Comment">What the column holds, with its unit (the Glue column comment).</param>
public sealed record ArchiveColumn(string Name, string GlueType, bool Nullable, string Comment);
