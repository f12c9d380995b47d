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

    private ArchiveSettings(S3ArchiveSinkOptions sink) => Sink = sink;

    /// <summary>The S3 sink's options.</summary>
    public S3ArchiveSinkOptions Sink { get; }

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

        return new ArchiveSettings(sink);
    }
}
