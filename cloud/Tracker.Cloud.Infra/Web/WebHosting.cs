using Amazon.CDK;
using Amazon.CDK.AWS.CloudFront;
using Amazon.CDK.AWS.CloudFront.Origins;
using Amazon.CDK.AWS.S3;
using Constructs;
using Tracker.Cloud.Infra.Api;

namespace Tracker.Cloud.Infra.Web;

/// <summary>
/// The web app's hosting: a private S3 bucket (no public access, TLS only, encrypted) read by CloudFront
/// through origin access control (CloudFront developer guide, "Restrict access to an Amazon S3 origin"),
/// and the API's routes on the same origin, as the local host serves them, so the web app needs no CORS
/// and keeps one base URL: <c>/cars*</c>, <c>/me</c> and issue 16's <c>/events*</c>, <c>/zones*</c>, <c>/limits*</c>,
/// <c>/subscriptions*</c>, <c>/notifications*</c> go to the HTTP API uncached, with every viewer
/// header (the <c>Authorization</c> bearer token) but the host passed on.
/// </summary>
public sealed class WebHosting : Construct
{
    /// <summary>Creates the bucket and the distribution.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    /// <param name="api">The HTTP API.</param>
    public WebHosting(Construct scope, string id, InfraSettings settings, FleetHttpApi api)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(api);

        // SSE-S3 rather than the data key: the site is public through CloudFront anyway, and OAC reading
        // a KMS-encrypted origin would need the key policy opened to CloudFront.
        Bucket = new Bucket(this, "Site", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            EnforceSSL = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        var apiOrigin = new HttpOrigin(api.DomainName, new HttpOriginProps { ProtocolPolicy = OriginProtocolPolicy.HTTPS_ONLY });
        var apiBehavior = new BehaviorOptions
        {
            Origin = apiOrigin,
            ViewerProtocolPolicy = ViewerProtocolPolicy.HTTPS_ONLY,
            AllowedMethods = AllowedMethods.ALLOW_GET_HEAD,
            CachePolicy = CachePolicy.CACHING_DISABLED,
            OriginRequestPolicy = OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        };

        // Issue 16's routes write too (acknowledge, zones, limits, subscriptions): every method, still uncached.
        var apiWriteBehavior = new BehaviorOptions
        {
            Origin = apiOrigin,
            ViewerProtocolPolicy = ViewerProtocolPolicy.HTTPS_ONLY,
            AllowedMethods = AllowedMethods.ALLOW_ALL,
            CachePolicy = CachePolicy.CACHING_DISABLED,
            OriginRequestPolicy = OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        };
        var behaviors = new Dictionary<string, IBehaviorOptions>
        {
            ["/cars*"] = apiWriteBehavior,
            ["/me"] = apiBehavior,
        };
        foreach (string prefix in Tracker.Cloud.Infra.Api.FleetHttpApi.EventPathPrefixes)
        {
            behaviors[prefix + "*"] = apiWriteBehavior;
        }

        Distribution = new Distribution(this, "Cdn", new DistributionProps
        {
            Comment = settings.Names.Prefix + " web app and API",
            DefaultRootObject = "index.html",
            PriceClass = PriceClass.PRICE_CLASS_100,
            HttpVersion = HttpVersion.HTTP2_AND_3,
            DefaultBehavior = new BehaviorOptions
            {
                Origin = S3BucketOrigin.WithOriginAccessControl(Bucket),
                ViewerProtocolPolicy = ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                CachePolicy = CachePolicy.CACHING_OPTIMIZED,
                ResponseHeadersPolicy = ResponseHeadersPolicy.SECURITY_HEADERS,
            },
            AdditionalBehaviors = behaviors,
        });
    }

    /// <summary>The web app's address, <c>https://{distribution}/</c>: the hosted UI's callback and sign-out URL.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The URL.</returns>
    public static string AppUrl(Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return "https://" + distribution.DistributionDomainName + "/";
    }

    /// <summary>The site's bucket (upload <c>cloud/Tracker.Cloud.Web/dist</c> there, with the <c>config.json</c> that scripts/config-from-stack.mjs writes).</summary>
    public Bucket Bucket { get; }

    /// <summary>The distribution.</summary>
    public Distribution Distribution { get; }
}
