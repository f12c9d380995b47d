using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace Tracker.Cloud.Infra.Iot;

/// <summary>
/// Where over-the-air updates come from on AWS (issue 18): a private bucket of signed application images (<c>images/</c>)
/// and the key the API function signs their short URLs with (<c>keys/</c>). A rollout's job document names the image by a
/// URL of the API function's own route (<c>https://{api}/images/{version}?e=&amp;t=</c>), which reads the bucket; no
/// role is pre-signing anything (a URL pre-signed by a role carries its session token and does not fit the car's
/// 1,024-byte job message). An image is public to whoever holds its URL until it expires, which is why the car checks its
/// SHA-256 and the fleet's code signature before it switches (Control/README.md).
/// </summary>
public sealed class DeviceUpdates : Construct
{
    /// <summary>The prefix of the signed images.</summary>
    public const string ImagesPrefix = "images/";

    /// <summary>Creates the bucket.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    public DeviceUpdates(Construct scope, string id)
        : base(scope, id)
    {
        // S3-managed keys, not the stack's KMS key: the images are signed, not secret, and each range a car reads would
        // otherwise be a kms:Decrypt.
        Bucket = new Bucket(this, "Images", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            EnforceSSL = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,

            // A rollback re-runs a job against the previous image; versions keep an overwritten one.
            Versioned = true,
            // Kept when the stack goes, as the archive is: a car in the field may still be on one of these images.
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
    }

    /// <summary>The images and the URL key.</summary>
    public Bucket Bucket { get; }
}
