using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Core.Control;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// Issue 18 on AWS, through the published bootstrap: the API function, configured only by its environment as the stack
/// configures it, takes a signed image into the updates bucket on s3rver and starts a rollout as an IoT job at the
/// loopback control plane, which recomputes each request's SigV4 signature (the credentials Lambda gives the function);
/// the job's short image URL then answers a car's range request through the same function (base64, 206, Content-Range).
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapRolloutTests(PublishedPackage package, DynaliteServer dynalite, S3rverServer s3rver, ITestOutputHelper output)
    : IClassFixture<DynaliteServer>, IClassFixture<S3rverServer>
{
    [BootstrapFact]
    public async Task TheApiFunction_StoresASignedImage_StartsARolloutAsASignedIotJob_AndServesItsImageUrlsRange()
    {
        using RSA fleet = RSA.Create(3072);
        string bucket = await s3rver.CreateBucketAsync();
        await using var iot = new LoopbackIotControlPlane("us-east-1", "S3RVER");
        iot.AddGroup("north", "car-1", "car-2");
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], dynalite.ServiceUrl);
        environment[UpdatesSettings.BucketVariable] = bucket;
        environment[UpdatesSettings.ImageOriginVariable] = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";
        environment[UpdatesSettings.SigningKeyVariable] = Convert.ToBase64String(fleet.ExportParameters(false).Modulus!);
        environment[UpdatesSettings.IotEndpointVariable] = iot.Endpoint.ToString().TrimEnd('/');
        environment["AWS_ENDPOINT_URL_S3"] = s3rver.ServiceUrl.ToString().TrimEnd('/');
        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output);

        byte[] image = RandomNumberGenerator.GetBytes(30_000);
        byte[] digest = SHA256.HashData(image);
        byte[] sig = fleet.SignHash(UpdateVerifier.SignedDigest(digest, "2.1.0"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        string upload = new JsonObject
        {
            ["image"] = Convert.ToBase64String(image),
            ["signature"] = new JsonObject { ["op"] = UpdateJob.Operation, ["version"] = "2.1.0", ["size"] = image.Length, ["sha256"] = Convert.ToHexStringLower(digest), ["sig"] = Convert.ToBase64String(sig) },
        }.ToJsonString();

        (int uploaded, _) = await OperatorCall.SendAsync(api, "/updates/images", "POST", upload);
        (int started, JsonObject rollout) = await OperatorCall.SendAsync(api, "/groups/north/rollouts", "POST", "{\"version\":\"2.1.0\",\"ratePerMinute\":1}");

        Assert.Equal(201, uploaded);
        Assert.Equal(201, started);
        Assert.Equal("{\"PENDING\":1,\"QUEUED\":1}", rollout["counts"]!.ToJsonString());
        using AmazonS3Client s3 = s3rver.CreateClient();
        using (var stored = await s3.GetObjectAsync(bucket, "images/2.1.0.bin"))
        {
            Assert.Equal(image.Length, stored.ContentLength);
        }

        JsonObject job = iot.Created["rollout-" + (string)rollout["id"]!];
        Assert.Equal("arn:aws:iot:us-east-1:123456789012:thinggroup/north", (string?)job["targets"]![0]);
        string url = (string)JsonNode.Parse((string)job["document"]!)!["url"]!;
        Assert.StartsWith("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/images/2.1.0?e=", url, StringComparison.Ordinal);
        Assert.Null(job["presignedUrlConfig"]);
        Assert.NotEmpty(iot.Requests);
        Assert.All(iot.Requests, r => Assert.EndsWith(" ok", r, StringComparison.Ordinal)); // every call signed for "iot" with the function's keys and session token

        // One of the car's ranges through the URL, without sign-in, as the HTTP API passes it on.
        Dictionary<string, string> query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        JsonObject get = JsonNode.Parse(LambdaEvents.Http("/images/2.1.0", query, null, "GET"))!.AsObject();
        get["headers"]!["range"] = "bytes=4096-8191";
        JsonElement range = await api.RespondAsync(get.ToJsonString());
        Assert.Equal(206, range.GetProperty("statusCode").GetInt32());
        Assert.True(range.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("bytes 4096-8191/30000", range.GetProperty("headers").GetProperty("content-range").GetString());
        Assert.Equal(image[4096..8192], Convert.FromBase64String(range.GetProperty("body").GetString()!));
    }
}
