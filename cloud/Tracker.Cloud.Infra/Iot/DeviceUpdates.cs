using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace Tracker.Cloud.Infra.Iot;

/// <summary>
/// Where over-the-air updates come from on AWS (issue 18): a private bucket of signed application images and their IoT
/// Jobs documents, and the role IoT Jobs assumes to pre-sign an image's URL for each car (the job document names the
/// image as <c>${aws:iot:s3-presigned-url:https://{bucket}.s3.amazonaws.com/images/{file}}</c>, which IoT Jobs replaces
/// with a URL valid for the job's <c>presignedUrlConfig.expiresInSec</c> when the car asks for the document). The cars'
/// IoT policy already lets each reach its own thing's jobs topics. An image is public to whoever holds its URL for that
/// hour, which is why the car checks its SHA-256 and the fleet's code signature before it switches (Control/README.md).
/// </summary>
public sealed class DeviceUpdates : Construct
{
    /// <summary>The prefix of the signed images.</summary>
    public const string ImagesPrefix = "images/";

    /// <summary>The prefix of the IoT Jobs documents (one per rollout, read by IoT Jobs at <c>CreateJob</c>).</summary>
    public const string JobsPrefix = "jobs/";

    /// <summary>Creates the bucket and the pre-signing role.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    public DeviceUpdates(Construct scope, string id)
        : base(scope, id)
    {
        // S3-managed keys, not the stack's KMS key: a pre-signed GET of a KMS-encrypted object would need the signing
        // role to hold kms:Decrypt for every car's download, and the images are signed, not secret.
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

        PresignRole = new Role(this, "Presign", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "IoT Jobs pre-signs update image URLs with this role (issue 18)",
        });
        PresignRole.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [Bucket.ArnForObjects(ImagesPrefix + "*")],
        }));
    }

    /// <summary>The images and job documents.</summary>
    public Bucket Bucket { get; }

    /// <summary>The role a job's <c>presignedUrlConfig.roleArn</c> names.</summary>
    public Role PresignRole { get; }
}
