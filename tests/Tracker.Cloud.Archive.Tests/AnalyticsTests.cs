using System.Text.RegularExpressions;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Archive.Tests.Support;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// cloud/analytics against the column list: the Glue DDL lists exactly <see cref="ArchiveSchema.Columns"/>
/// (names, order, types, comments) with partition projection on dt matching <see cref="ArchiveLayout"/>,
/// and every query names only columns that exist. (Athena itself is not here to parse them.)
/// </summary>
public sealed partial class AnalyticsTests
{
    private static readonly string Analytics = Repository.PathOf("cloud", "analytics");

    private static readonly IReadOnlySet<string> Columns =
        ArchiveSchema.Columns.Select(c => c.Name).Append(ArchiveSchema.PartitionColumn.Name).ToHashSet(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Tables = new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase)
    {
        ["fixes"] = Columns,
        ["trips"] = TripArchiveSchema.TripColumns.Select(c => c.Name).Append(TripArchiveSchema.PartitionColumn.Name).ToHashSet(StringComparer.Ordinal),
        ["stops"] = TripArchiveSchema.StopColumns.Select(c => c.Name).Append(TripArchiveSchema.PartitionColumn.Name).ToHashSet(StringComparer.Ordinal),
    };

    public static TheoryData<string> DdlFiles => new() { "fixes", "trips", "stops" };

    private static (IReadOnlyList<ArchiveColumn> Columns, ArchiveColumn Partition, string Prefix) TableOf(string table) => table switch
    {
        "fixes" => (ArchiveSchema.Columns, ArchiveSchema.PartitionColumn, Sinks.S3ArchiveSinkOptions.DefaultPrefix),
        "trips" => (TripArchiveSchema.TripColumns, TripArchiveSchema.PartitionColumn, "trips/"),
        _ => (TripArchiveSchema.StopColumns, TripArchiveSchema.PartitionColumn, "stops/"),
    };

    [Theory]
    [MemberData(nameof(DdlFiles))]
    public void GlueDdl_ListsExactlyTheArchiveColumns_InOrder_WithTheirTypesAndComments(string name)
    {
        IReadOnlyList<ArchiveColumn> expected = TableOf(name).Columns;
        string ddl = File.ReadAllText(Path.Combine(Analytics, name + ".sql"));
        Match table = TableColumns().Match(ddl);
        Assert.True(table.Success, name + ".sql has no CREATE EXTERNAL TABLE ... (...) PARTITIONED BY");
        Assert.Equal(name, table.Groups["table"].Value);
        var columns = ColumnLine().Matches(table.Groups["columns"].Value)
            .Select(m => new ArchiveColumn(m.Groups["name"].Value, m.Groups["type"].Value, false, m.Groups["comment"].Value))
            .ToList();

        Assert.Equal(expected.Select(c => (c.Name, c.GlueType, c.Comment)), columns.Select(c => (c.Name, c.GlueType, c.Comment)));
        Assert.Equal(expected.Count, table.Groups["columns"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length);
    }

    [Theory]
    [MemberData(nameof(DdlFiles))]
    public void GlueDdl_ProjectsTheDayPartition_OverTheExportersFolders(string name)
    {
        (_, ArchiveColumn partitionColumn, string prefix) = TableOf(name);
        string ddl = File.ReadAllText(Path.Combine(Analytics, name + ".sql"));
        Match partition = PartitionedBy().Match(ddl);
        Assert.True(partition.Success);
        Assert.Equal((partitionColumn.Name, partitionColumn.GlueType, partitionColumn.Comment), (partition.Groups["name"].Value, partition.Groups["type"].Value, partition.Groups["comment"].Value));
        Assert.Contains("STORED AS PARQUET", ddl, StringComparison.Ordinal);

        Dictionary<string, string> properties = Property().Matches(ddl).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
        Assert.Equal("true", properties["projection.enabled"]);
        Assert.Equal("date", properties["projection.dt.type"]);
        Assert.Equal("yyyy-MM-dd", properties["projection.dt.format"]);
        Assert.Equal("2024-01-01,NOW", properties["projection.dt.range"]);
        Assert.Equal("1", properties["projection.dt.interval"]);
        Assert.Equal("DAYS", properties["projection.dt.interval.unit"]);

        // The template is LOCATION + the exporter's folder with the day substituted.
        Match location = Location().Match(ddl);
        Assert.True(location.Success);
        string template = properties["storage.location.template"];
        string day = new DateOnly(2025, 6, 10).ToString(properties["projection.dt.format"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(location.Groups["uri"].Value + ArchiveLayout.DayFolder(new DateOnly(2025, 6, 10)), template.Replace("${dt}", day, StringComparison.Ordinal));
        Assert.EndsWith("/" + prefix, location.Groups["uri"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Queries_AreTheSixDocumentedOnes()
    {
        string[] names = Directory.GetFiles(Path.Combine(Analytics, "queries"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["distance-per-day.sql", "offline-cars.sql", "speeding-events.sql", "trips-per-car.sql", "trips-per-rental.sql", "utilisation.sql"], names);
        string readme = File.ReadAllText(Path.Combine(Analytics, "README.md"));
        Assert.All(names, n => Assert.Contains("queries/" + n, readme, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("trips-per-car.sql")]
    [InlineData("distance-per-day.sql")]
    [InlineData("speeding-events.sql")]
    [InlineData("offline-cars.sql")]
    [InlineData("trips-per-rental.sql")]
    [InlineData("utilisation.sql")]
    public void Query_NamesOnlyColumnsOfTheArchive_AndFiltersEveryReadOnDt(string file)
    {
        string sql = File.ReadAllText(Path.Combine(Analytics, "queries", file));
        Assert.Empty(SqlColumnCheck.Problems(sql, Tables));

        // Every read of a table is followed by its dt range (partition projection reads only those days).
        int reads = Regex.Matches(sql, @"\bFROM\s+(?:fixes|trips|stops)\s+\w+").Count;
        Assert.True(reads > 0);
        Assert.Equal(reads, Regex.Matches(sql, @"\b\w\.dt\s+BETWEEN\s+'\d{4}-\d{2}-\d{2}'\s+AND\s+'\d{4}-\d{2}-\d{2}'").Count);
    }

    [Theory]
    [InlineData("SELECT f.car_id, f.speed_mps FROM fixes f WHERE f.dt = '2025-06-10'", "f.speed_mps")]
    [InlineData("WITH x AS (SELECT f.car_id, f.ts FROM fixes f) SELECT car_id, odometer FROM x", "odometer")]
    [InlineData("SELECT car_id FROM fixes WHERE dt = '2025-06-10'", "without an alias")]
    [InlineData("SELECT g.car_id FROM fixes f", "g.car_id")]
    [InlineData("SELECT 1 AS one", "reads none of the archive's tables")]
    [InlineData("SELECT t.car_id, t.odometer_m FROM trips t WHERE t.dt = '2025-06-10'", "trips has no column odometer_m")]
    [InlineData("SELECT t.car_id, s.speed_mmps FROM trips t JOIN stops s ON t.car_id = s.car_id", "stops has no column speed_mmps")]
    public void ColumnCheck_CatchesUnknownColumnsAndUnaliasedReads(string sql, string problem)
    {
        Assert.Contains(SqlColumnCheck.Problems(sql, Tables), p => p.Contains(problem, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"CREATE EXTERNAL TABLE IF NOT EXISTS (?<table>\w+) \((?<columns>.*?)\)\s*PARTITIONED BY", RegexOptions.Singleline)]
    private static partial Regex TableColumns();

    [GeneratedRegex(@"^\s*(?<name>\w+)\s+(?<type>\w+)\s+COMMENT\s+'(?<comment>[^']*)',?\s*$", RegexOptions.Multiline)]
    private static partial Regex ColumnLine();

    [GeneratedRegex(@"PARTITIONED BY \(\s*(?<name>\w+)\s+(?<type>\w+)\s+COMMENT\s+'(?<comment>[^']*)'\s*\)")]
    private static partial Regex PartitionedBy();

    [GeneratedRegex(@"'(?<key>[\w.]+)'\s*=\s*'(?<value>[^']*)'")]
    private static partial Regex Property();

    [GeneratedRegex(@"LOCATION '(?<uri>s3://[^']+)'")]
    private static partial Regex Location();
}
