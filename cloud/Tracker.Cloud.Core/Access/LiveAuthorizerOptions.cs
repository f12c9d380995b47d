using System.Text.RegularExpressions;

namespace Tracker.Cloud.Core.Access;

/// <summary>Options of <see cref="LiveAuthorizer"/>: immutable, checked by <see cref="Validate"/>.</summary>
public sealed partial record LiveAuthorizerOptions
{
    /// <summary>
    /// The account's IoT resource ARN prefix, <c>arn:aws:iot:{region}:{account}</c>: the policy documents
    /// name topics and client ids under it. Required; the CDK stack passes it as <c>TRACKER_IOT_RESOURCE_PREFIX</c>.
    /// </summary>
    public required string IotResourcePrefix { get; init; }

    /// <summary>
    /// How often IoT Core re-runs the authorizer on an open connection (re-reading the rentals, so a cancelled
    /// rental ends within this time); 300 s by default, 300..86400 (IoT Core's bounds).
    /// </summary>
    public int RefreshAfterSeconds { get; init; } = LiveAuthorization.MinSeconds;

    /// <summary>The longest connection; 86,400 s by default (IoT Core's maximum), 300..86400.</summary>
    public int MaxConnectionSeconds { get; init; } = LiveAuthorization.MaxSeconds;

    /// <summary>Fails fast, naming the option, when one is unusable.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(IotResourcePrefix) || !ResourcePrefix().IsMatch(IotResourcePrefix))
        {
            throw new ArgumentException($"IotResourcePrefix must be arn:aws:iot:{{region}}:{{12-digit account}} (got '{IotResourcePrefix}').", nameof(IotResourcePrefix));
        }

        if (RefreshAfterSeconds is < LiveAuthorization.MinSeconds or > LiveAuthorization.MaxSeconds)
        {
            throw new ArgumentException("RefreshAfterSeconds must be 300..86400 (AWS IoT custom authorizer bounds).", nameof(RefreshAfterSeconds));
        }

        if (MaxConnectionSeconds is < LiveAuthorization.MinSeconds or > LiveAuthorization.MaxSeconds)
        {
            throw new ArgumentException("MaxConnectionSeconds must be 300..86400 (AWS IoT custom authorizer bounds).", nameof(MaxConnectionSeconds));
        }
    }

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:iot:[a-z]{2}(-[a-z]+)+-\d:\d{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourcePrefix();
}
