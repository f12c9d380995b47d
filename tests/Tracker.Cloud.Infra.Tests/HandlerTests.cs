using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// What the bootstrap needs from each function's configuration: a <c>Handler</c> that
/// <see cref="FunctionCatalog"/> knows (Lambda passes it as <c>_HANDLER</c>), and an environment that the
/// function's own settings reader accepts, so no function of the stack fails its start with an init
/// error. Values CloudFormation resolves at deploy time (table names, the bucket, the issuer) are
/// stood in for by valid examples.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class HandlerTests(SynthFixture synth)
{
    [SynthFact]
    public void EveryFunction_IsOneTheBootstrapBuilds_EachOnce()
    {
        List<string> handlers = synth.Dev.Resources("AWS::Lambda::Function").Select(f => Text(f.Properties["Handler"])).ToList();

        Assert.Equal(FunctionCatalog.Names.Order(StringComparer.Ordinal), handlers.Order(StringComparer.Ordinal));
    }

    [SynthFact]
    public void EveryFunction_HasTheEnvironmentItsSettingsRequire()
    {
        foreach ((string _, JsonObject function) in synth.Dev.Resources("AWS::Lambda::Function"))
        {
            string handler = Text(function["Handler"]);
            Dictionary<string, string> environment = function["Environment"]!["Variables"]!.AsObject()
                .ToDictionary(p => p.Key, p => p.Value is JsonValue v ? v.ToString() : Example(p.Key));
            Func<string, string?> lookup = environment.GetValueOrDefault;

            Exception? refused = Record.Exception(() =>
            {
                switch (handler)
                {
                    case FunctionCatalog.Archive:
                        FunctionSettings.Read(lookup);
                        ArchiveSettings.Read(lookup);
                        break;
                    case FunctionCatalog.LiveAuthorizer:
                        LiveAuthorizerSettings.Read(lookup);
                        LiveDisconnectSettings.ReadGrantsTable(lookup);
                        break;
                    case FunctionCatalog.LiveDisconnect:
                        // Lambda itself sets AWS_REGION in every function's environment.
                        LiveDisconnectSettings.Read(name => name == LiveDisconnectSettings.RegionVariable ? "eu-west-1" : lookup(name));
                        break;
                    case FunctionCatalog.Notify:
                        NotifySettings.Read(name => name == NotifySettings.RegionVariable ? "eu-west-1" : lookup(name));
                        break;
                    case FunctionCatalog.Tick:
                        Assert.NotNull(FunctionSettings.Read(lookup).Derive);
                        break;
                    default:
                        FunctionSettings.Read(lookup);
                        break;
                }
            });
            Assert.True(refused is null, handler + ": " + refused?.Message);
        }
    }

    // A valid value for a variable whose template value is an intrinsic function.
    private static string Example(string variable) => variable switch
    {
        LiveAuthorizerSettings.IssuerVariable => "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ex4mpLe00",
        LiveAuthorizerSettings.ClientIdsVariable => "5q1example0client0id0abc",
        LiveAuthorizerSettings.IotResourcePrefixVariable => "arn:aws:iot:eu-west-1:123456789012",
        LiveDisconnectSettings.IotDataEndpointVariable => "https://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
        LiveDisconnectSettings.GrantsTableVariable => "tracker-dev-live-grants",
        ArchiveSettings.BucketVariable => "tracker-dev-archive-example",
        ArchiveSettings.KmsKeyVariable => "arn:aws:kms:eu-west-1:123456789012:key/0f5d7a3e-4c1b-4e8e-9b7a-2d6c5e4f3a21",
        NotifySettings.RetryQueueUrlVariable => "https://sqs.eu-west-1.amazonaws.com/123456789012/tracker-dev-notify-retry-wakes",
        _ => "example-" + variable.ToLowerInvariant().Replace('_', '-'),
    };
}
