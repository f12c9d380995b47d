using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What the API function needs to serve issue 18's update routes on AWS (<see cref="Api.RolloutsApi"/>): the stack's
/// UpdatesBucket, the origin the cars fetch images from, the region, and the fleet's code-signing public key. Without
/// <see cref="BucketVariable"/> the routes are not served; with it, a missing or bad companion fails the start.
/// </summary>
public sealed class UpdatesSettings
{
    /// <summary>The UpdatesBucket's name (images under <c>images/</c>).</summary>
    public const string BucketVariable = "TRACKER_UPDATES_BUCKET";

    /// <summary>
    /// The origin in the image URLs the job documents carry, <c>https://host[:port]</c>: the HTTP API's own
    /// (<c>https://{apiId}.execute-api.{region}.amazonaws.com</c>), whose <c>GET /images/{version}</c> needs no sign-in.
    /// </summary>
    public const string ImageOriginVariable = "TRACKER_UPDATES_IMAGE_ORIGIN";

    /// <summary>
    /// The fleet's code-signing public key as the cars carry it (<c>codesign.pub</c>, the modulus), base64. Optional: without
    /// it uploads are refused (409 <c>/problems/no-signing-key</c>); rollouts of images already uploaded still run.
    /// </summary>
    public const string SigningKeyVariable = "TRACKER_CODESIGN_PUBLIC_KEY";

    /// <summary>The control plane's endpoint when it is not <c>https://iot.{region}.amazonaws.com</c> (the AWS SDKs' service-specific endpoint variable; tests).</summary>
    public const string IotEndpointVariable = "AWS_ENDPOINT_URL_IOT";

    private UpdatesSettings(string bucket, Uri imageOrigin, string region, Uri iotEndpoint, byte[]? signingKey)
    {
        Bucket = bucket;
        ImageOrigin = imageOrigin;
        Region = region;
        IotEndpoint = iotEndpoint;
        SigningKey = signingKey;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The image URLs' origin.</summary>
    public Uri ImageOrigin { get; }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>IoT's control plane.</summary>
    public Uri IotEndpoint { get; }

    /// <summary>The code-signing modulus, or null.</summary>
    public byte[]? SigningKey { get; }

    /// <summary>Reads the settings, or null when the bucket is not named (the routes are off).</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The settings, or null.</returns>
    /// <exception cref="InvalidOperationException">A variable is missing or malformed; the message names it.</exception>
    public static UpdatesSettings? Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? bucket = environment(BucketVariable);
        if (string.IsNullOrWhiteSpace(bucket))
        {
            return null;
        }

        const string Need = "the update routes need it when " + BucketVariable + " is set (the CDK stack sets it)";
        string originText = EnvironmentVariable.Required(environment, ImageOriginVariable, Need).Trim();
        if (!Uri.TryCreate(originText, UriKind.Absolute, out Uri? origin) || origin.Scheme != "https" || origin.AbsolutePath != "/" || origin.Query.Length > 0
            || origin.UserInfo.Length > 0 || origin.Fragment.Length > 0 || !origin.Host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
        {
            throw new InvalidOperationException($"environment variable {ImageOriginVariable} = '{originText}' is not a bare https://host[:port] the cars can reach");
        }

        string region = EnvironmentVariable.Required(environment, LiveDisconnectSettings.RegionVariable, Need).Trim();
        Uri endpoint = IotControlPlaneEndpoint(environment(IotEndpointVariable), region);
        byte[]? key = null;
        if (environment(SigningKeyVariable) is { Length: > 0 } text)
        {
            try
            {
                key = Convert.FromBase64String(text.Trim());
            }
            catch (FormatException)
            {
                key = null;
            }

            if (key is null || key.Length is < Tracker.Core.Common.RsaSignature.MinModulusBytes or > Tracker.Core.Common.RsaSignature.MaxModulusBytes)
            {
                throw new InvalidOperationException($"environment variable {SigningKeyVariable} is not the base64 of codesign.pub (a 2,048- to 4,096-bit modulus)");
            }
        }

        return new UpdatesSettings(bucket.Trim(), origin!, region, endpoint, key);
    }

    private static Uri IotControlPlaneEndpoint(string? text, string region)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Updates.IotControlPlane.DefaultEndpoint(region);
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme is not ("https" or "http") || endpoint.AbsolutePath != "/" || endpoint.Query.Length > 0)
        {
            throw new InvalidOperationException($"environment variable {IotEndpointVariable} = '{text}' is not a bare scheme://host[:port]");
        }

        return endpoint;
    }
}
