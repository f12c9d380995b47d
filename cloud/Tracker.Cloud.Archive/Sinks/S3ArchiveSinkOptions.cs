using System.Net;

namespace Tracker.Cloud.Archive.Sinks;

/// <summary>
/// Where <see cref="S3ArchiveSink"/> writes: immutable, checked by <see cref="Validate"/> when the sink
/// is built, so a bad bucket or prefix fails the function's start rather than the first upload.
/// </summary>
public sealed record S3ArchiveSinkOptions
{
    /// <summary>The default <see cref="Prefix"/>: the Glue table's location is <c>s3://bucket/fixes/</c>.</summary>
    public const string DefaultPrefix = "fixes/";

    /// <summary>The bucket (no default: STYLE.md, principle 7). Key: <c>Archive:Bucket</c>.</summary>
    public required string Bucket { get; init; }

    /// <summary>
    /// The key prefix of the archive, ending in <c>/</c> (or empty for the bucket's root); <c>fixes/</c> by
    /// default. Key: <c>Archive:Prefix</c>.
    /// </summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>
    /// A KMS key (id, alias or ARN) to encrypt each object with (SSE-KMS, the
    /// <c>x-amz-server-side-encryption-aws-kms-key-id</c> header), or null to rely on the bucket's default
    /// encryption. Key: <c>Archive:KmsKeyId</c>.
    /// </summary>
    public string? KmsKeyId { get; init; }

    /// <summary>Fails fast, naming the key, when an option is unusable.</summary>
    /// <exception cref="ArgumentException">An option is missing or malformed.</exception>
    public void Validate()
    {
        if (BucketNameProblem(Bucket) is { } problem)
        {
            throw new ArgumentException($"Archive:Bucket '{Bucket}' is not a valid S3 bucket name: {problem}.", nameof(Bucket));
        }

        if (PrefixProblem(Prefix) is { } prefixProblem)
        {
            throw new ArgumentException($"Archive:Prefix '{Prefix}' is not usable: {prefixProblem}.", nameof(Prefix));
        }

        if (KmsKeyId is not null && (KmsKeyId.Length == 0 || KmsKeyId.Length > 2048 || KmsKeyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new ArgumentException("Archive:KmsKeyId must be a KMS key id, alias or ARN (1 to 2048 characters, no spaces), or absent.", nameof(KmsKeyId));
        }
    }

    /// <summary>
    /// Why <paramref name="bucket"/> breaks the general-purpose bucket naming rules (Amazon S3 user guide,
    /// "General purpose bucket naming rules"), or null when it keeps them.
    /// </summary>
    private static string? BucketNameProblem(string? bucket)
    {
        if (string.IsNullOrEmpty(bucket))
        {
            return "it is required";
        }

        if (bucket.Length is < 3 or > 63)
        {
            return "it must be 3 to 63 characters long";
        }

        if (bucket.Any(c => c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')))
        {
            return "only lower-case letters, digits, dots and hyphens are allowed";
        }

        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return "it must begin and end with a letter or a digit";
        }

        if (bucket.Contains("..", StringComparison.Ordinal))
        {
            return "two adjacent dots are not allowed";
        }

        if (IPAddress.TryParse(bucket, out IPAddress? address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && bucket.Count(c => c == '.') == 3)
        {
            return "it must not be formatted as an IP address";
        }

        foreach (string reserved in new[] { "xn--", "sthree-", "amzn-s3-demo-" })
        {
            if (bucket.StartsWith(reserved, StringComparison.Ordinal))
            {
                return $"the prefix '{reserved}' is reserved";
            }
        }

        foreach (string reserved in new[] { "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3" })
        {
            if (bucket.EndsWith(reserved, StringComparison.Ordinal))
            {
                return $"the suffix '{reserved}' is reserved";
            }
        }

        return null;
    }

    private static string? PrefixProblem(string? prefix)
    {
        if (prefix is null)
        {
            return "it must be a string ending in '/', or empty";
        }

        if (prefix.Length == 0)
        {
            return null;
        }

        if (!prefix.EndsWith('/'))
        {
            return "it must end with '/'";
        }

        if (prefix.StartsWith('/'))
        {
            return "it must not start with '/'";
        }

        // S3 keys are at most 1,024 bytes (Amazon S3 user guide, "Naming Amazon S3 objects"); leave room
        // for dt=yyyy-MM-dd/part-00000.parquet.
        if (prefix.Length > 512)
        {
            return "it must be at most 512 characters";
        }

        // The "safe characters" of the S3 user guide, plus '=' for Hive-style folders: nothing that a
        // Glue LOCATION or an Athena query would have to escape.
        if (prefix.Any(c => !char.IsAsciiLetterOrDigit(c) && "!-_.*'()/=".IndexOf(c, StringComparison.Ordinal) < 0))
        {
            return "only letters, digits and ! - _ . * ' ( ) = / are allowed";
        }

        if (prefix[..^1].Split('/').Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            return "it has an empty, '.' or '..' segment";
        }

        return null;
    }
}
