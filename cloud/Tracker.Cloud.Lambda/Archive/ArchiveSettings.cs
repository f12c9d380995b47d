using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Lambda.Archive;

/// <summary>
/// What the archive function needs from its environment besides the table names
/// (<see cref="Functions.FunctionSettings"/>): the bucket (required), the prefix (default <c>fixes/</c>)
/// and an optional KMS key. A missing or bad value fails the function's start with a message naming
/// the variable.
/// </summary>
public sealed class ArchiveSettings
{
    /// <summary>Environment variable holding the archive bucket's name.</summary>
    public const string BucketVariable = "TRACKER_ARCHIVE_BUCKET";

    /// <summary>Environment variable holding the key prefix (ending in <c>/</c>); unset or empty means <c>fixes/</c>.</summary>
    public const string PrefixVariable = "TRACKER_ARCHIVE_PREFIX";

    /// <summary>Environment variable holding a KMS key id, alias or ARN for SSE-KMS; unset or empty means the bucket's default encryption.</summary>
    public const string KmsKeyVariable = "TRACKER_ARCHIVE_KMS_KEY";

    /// <summary>
    /// Environment variable holding the trips table (DynamoDB, <c>DynamoDbTripStore</c>) to export the archive's <c>trips</c> and
    /// <c>stops</c> tables from; unset or empty means no trips export. The archive's own variable, not
    /// <c>TRACKER_TRIPS_TABLE</c>: the archive function reads trips and none of the Derive stage's other tables.
    /// </summary>
    public const string TripsTableVariable = "TRACKER_ARCHIVE_TRIPS_TABLE";

    /// <summary>Environment variable holding the trips table's key prefix; unset or empty means <c>trips/</c>.</summary>
    public const string TripsPrefixVariable = "TRACKER_ARCHIVE_TRIPS_PREFIX";

    /// <summary>Environment variable holding the stops table's key prefix; unset or empty means <c>stops/</c>.</summary>
    public const string StopsPrefixVariable = "TRACKER_ARCHIVE_STOPS_PREFIX";

    /// <summary>The trips table's default prefix.</summary>
    public const string DefaultTripsPrefix = "trips/";

    /// <summary>The stops table's default prefix.</summary>
    public const string DefaultStopsPrefix = "stops/";

    private ArchiveSettings(S3ArchiveSinkOptions sink, S3ArchiveSinkOptions trips, S3ArchiveSinkOptions stops)
    {
        Sink = sink;
        TripsSink = trips;
        StopsSink = stops;
    }

    /// <summary>The S3 sink's options.</summary>
    public S3ArchiveSinkOptions Sink { get; }

    /// <summary>The DynamoDB trips table to export, or null (no trips export).</summary>
    public string? TripsTable { get; private init; }

    /// <summary>The trips table's sink (same bucket and key as <see cref="Sink"/>, its own prefix).</summary>
    public S3ArchiveSinkOptions TripsSink { get; }

    /// <summary>The stops table's sink.</summary>
    public S3ArchiveSinkOptions StopsSink { get; }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="environment">Looks up a variable (the process environment in Lambda; a dictionary in tests).</param>
    /// <exception cref="InvalidOperationException">A variable is missing or malformed; the message names it.</exception>
    public static ArchiveSettings Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string bucket = EnvironmentVariable.Required(environment, BucketVariable, "the archive function needs the S3 bucket's name there");

        string? prefix = environment(PrefixVariable);
        string? kmsKey = environment(KmsKeyVariable);
        var sink = new S3ArchiveSinkOptions
        {
            Bucket = bucket,
            Prefix = string.IsNullOrEmpty(prefix) ? S3ArchiveSinkOptions.DefaultPrefix : prefix,
            KmsKeyId = string.IsNullOrEmpty(kmsKey) ? null : kmsKey,
        };
        try
        {
            sink.Validate();
        }
        catch (ArgumentException e)
        {
            string variable = e.ParamName switch
            {
                nameof(S3ArchiveSinkOptions.Bucket) => BucketVariable,
                nameof(S3ArchiveSinkOptions.Prefix) => PrefixVariable,
                _ => KmsKeyVariable,
            };
            throw new InvalidOperationException($"environment variable {variable} is not usable: {e.Message}", e);
        }

        string? tripsTable = environment(TripsTableVariable);
        if (!string.IsNullOrEmpty(tripsTable)
            && (tripsTable.Length is < 3 or > 255 || !tripsTable.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            throw new InvalidOperationException($"environment variable {TripsTableVariable} is not usable: a DynamoDB table name of 3 to 255 characters [A-Za-z0-9_.-], not '{tripsTable}'");
        }

        S3ArchiveSinkOptions Table(string variable, string fallback)
        {
            string? value = environment(variable);
            S3ArchiveSinkOptions options = sink with { Prefix = string.IsNullOrEmpty(value) ? fallback : value };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"environment variable {variable} is not usable: {e.Message}", e);
            }

            return options.Prefix == sink.Prefix
                ? throw new InvalidOperationException($"environment variable {variable} is not usable: '{options.Prefix}' is the fixes' prefix too, and the tables would mix")
                : options;
        }

        S3ArchiveSinkOptions trips = Table(TripsPrefixVariable, DefaultTripsPrefix);
        S3ArchiveSinkOptions stops = Table(StopsPrefixVariable, DefaultStopsPrefix);
        return trips.Prefix == stops.Prefix
            ? throw new InvalidOperationException($"environment variables {TripsPrefixVariable} and {StopsPrefixVariable} name the same prefix '{trips.Prefix}'")
            : new ArchiveSettings(sink, trips, stops) { TripsTable = string.IsNullOrEmpty(tripsTable) ? null : tripsTable };
    }
}
