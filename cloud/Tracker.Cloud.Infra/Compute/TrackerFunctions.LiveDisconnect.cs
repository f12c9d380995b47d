using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Infra.Storage;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// The live-disconnect function and what feeds it (issue 15, F5 on AWS): the live authorizer records each renter's
/// grant in the live grants table; the rentals table's stream invokes live-disconnect, which reads the grants and calls
/// IoT Core's DeleteConnection on the renter's browsers.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>The stack parameter holding the account's IoT data endpoint (CloudFormation cannot output it).</summary>
    public const string IotDataEndpointParameter = "IotDataEndpoint";

    /// <summary>
    /// How old a rental change may be and still close connections: by then IoT Core has re-asked the authorizer
    /// (<c>refreshAfterInSeconds</c>, 300 s) and the grant follows the rentals anyway.
    /// </summary>
    public static readonly Duration RentalChangeMaxAge = Duration.Minutes(15);

    private Function CreateLiveDisconnect(InfraSettings settings, DataStores stores, AssetCode code, Function authorizer)
    {
        Stack stack = Stack.Of(this);

        // The authorizer records a renter's grant before it gives it.
        authorizer.AddEnvironment(LiveDisconnectSettings.GrantsTableVariable, stores.LiveGrants.TableName);
        Allow(authorizer, stores.LiveGrants.TableArn, "dynamodb:PutItem");
        Allow(authorizer, stores.Key.KeyArn, "kms:Encrypt", "kms:GenerateDataKey");

        // Asked for at deploy: aws iot describe-endpoint --endpoint-type iot:Data-ATS (docs/aws/deploy.md). A stack
        // parameter keeps cdk synth offline, and CloudFormation refuses a deploy that leaves it out.
        var endpoint = new CfnParameter(stack, IotDataEndpointParameter, new CfnParameterProps
        {
            Type = "String",
            Description = "The account's IoT data endpoint: aws iot describe-endpoint --endpoint-type iot:Data-ATS --query endpointAddress --output text",
            AllowedPattern = "^[a-z0-9]+(-ats)?\\.iot\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$",
            ConstraintDescription = "an IoT data endpoint such as a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
        });

        _iotDataEndpointUrl = "https://" + endpoint.ValueAsString;
        var environment = new Dictionary<string, string>
        {
            [LiveDisconnectSettings.GrantsTableVariable] = stores.LiveGrants.TableName,
            [LiveDisconnectSettings.IotDataEndpointVariable] = "https://" + endpoint.ValueAsString,
        };
        Function function = Create(settings, stores, code, FunctionCatalog.LiveDisconnect, 256, Duration.Seconds(30), environment,
            "Closes renters' live connections (IoT DeleteConnection) when their rentals change (the rentals table's stream)", null);
        Allow(function, stores.LiveGrants.TableArn, "dynamodb:Query");
        Allow(function, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey");

        // Browsers' connections only: a car's client id (its thing name) never starts with web-.
        Allow(function, "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":client/" + LiveTopics.WebClientIdPrefix + "*", "iot:DeleteConnection");

        // Reading the stream (Lambda developer guide, "Using AWS Lambda with Amazon DynamoDB", execution role
        // permissions); ListStreams has no resource-level permissions (Service Authorization Reference, DynamoDB).
        string stream = stores.Rentals.TableStreamArn!;
        Allow(function, stream, "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
        Allow(function, "*", "dynamodb:ListStreams");

        // A batch that still fails after its retries, or whose changes are older than RentalChangeMaxAge, is named
        // (shard, sequence numbers) on the dead-letter queue.
        Allow(function, stores.DeadLetters.QueueArn, "sqs:SendMessage");
        Allow(function, stores.Key.KeyArn, "kms:GenerateDataKey");
        var mapping = new CfnEventSourceMapping(this, "RentalChanges", new CfnEventSourceMappingProps
        {
            FunctionName = function.FunctionName,
            EventSourceArn = stream,
            StartingPosition = "LATEST",
            BatchSize = 100,
            MaximumBatchingWindowInSeconds = 0,
            MaximumRetryAttempts = 10,
            MaximumRecordAgeInSeconds = RentalChangeMaxAge.ToSeconds(),
            FunctionResponseTypes = ["ReportBatchItemFailures"],
            DestinationConfig = new CfnEventSourceMapping.DestinationConfigProperty
            {
                OnFailure = new CfnEventSourceMapping.OnFailureProperty { Destination = stores.DeadLetters.QueueArn },
            },
        });

        // Lambda checks the role's stream permissions when the mapping is created.
        mapping.Node.AddDependency(function);
        return function;
    }
}
