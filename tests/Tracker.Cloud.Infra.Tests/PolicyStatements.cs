using System.Text.Json.Nodes;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Every policy statement of a template: identity policies, resource policies and key policies.</summary>
internal static class PolicyStatements
{
    private static readonly string[] IdentityTypes = ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"];
    private static readonly string[] ResourcePolicyTypes = ["AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"];

    /// <summary>Statements of identity policies (attached to roles): separate policies and roles' inline ones.</summary>
    public static IEnumerable<(string Where, JsonObject Statement)> Identity(SynthFixture.Synthesized stage)
    {
        foreach (string type in IdentityTypes)
        {
            foreach ((string id, JsonObject properties) in stage.Resources(type))
            {
                foreach (JsonObject statement in Statements(properties["PolicyDocument"]))
                {
                    yield return (type + " " + id, statement);
                }
            }
        }

        foreach ((string id, JsonObject role) in stage.Resources("AWS::IAM::Role"))
        {
            foreach (JsonNode? inline in List(role["Policies"]))
            {
                foreach (JsonObject statement in Statements(inline!["PolicyDocument"]))
                {
                    yield return ("AWS::IAM::Role " + id, statement);
                }
            }
        }
    }

    /// <summary>Every statement: identity, resource (bucket, queue, topic) and key policies.</summary>
    public static IEnumerable<(string Where, JsonObject Statement)> All(SynthFixture.Synthesized stage)
    {
        foreach ((string Where, JsonObject Statement) item in Identity(stage))
        {
            yield return item;
        }

        foreach (string type in ResourcePolicyTypes)
        {
            foreach ((string id, JsonObject properties) in stage.Resources(type))
            {
                foreach (JsonObject statement in Statements(properties["PolicyDocument"]))
                {
                    yield return (type + " " + id, statement);
                }
            }
        }

        foreach ((string id, JsonObject key) in stage.Resources("AWS::KMS::Key"))
        {
            foreach (JsonObject statement in Statements(key["KeyPolicy"]))
            {
                yield return ("AWS::KMS::Key " + id, statement);
            }
        }
    }

    /// <summary>True for the default key policy statement that lets the account root (and so IAM) manage the key.</summary>
    public static bool IsKeyPolicyRootDelegation(string where, JsonObject statement) =>
        where.StartsWith("AWS::KMS::Key ", StringComparison.Ordinal)
        && Strings(statement["Action"]).SequenceEqual(["kms:*"])
        && Text(statement["Principal"]?["AWS"]).EndsWith(":root", StringComparison.Ordinal);

    /// <summary>The statements of the policies attached to a function's role.</summary>
    public static IEnumerable<JsonObject> ForFunction(SynthFixture.Synthesized stage, string functionName)
    {
        JsonObject function = stage.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == functionName);
        string role = Text(function["Role"]);
        string roleId = role.TrimStart('{').Split('.')[0];
        return stage.Resources("AWS::IAM::Policy")
            .Where(p => Strings(p.Properties["Roles"]).Contains("{Ref:" + roleId + "}"))
            .SelectMany(p => Statements(p.Properties["PolicyDocument"]));
    }

    /// <summary>Each function's allowed actions.</summary>
    public static Dictionary<string, HashSet<string>> ActionsByFunction(SynthFixture.Synthesized stage) =>
        stage.Resources("AWS::Lambda::Function")
            .Select(f => (string)f.Properties["FunctionName"]!)
            .ToDictionary(
                name => name,
                name => ForFunction(stage, name).Where(s => (string?)s["Effect"] == "Allow").SelectMany(s => Strings(s["Action"])).ToHashSet(StringComparer.Ordinal));

    private static IEnumerable<JsonObject> Statements(JsonNode? document) =>
        List(document?["Statement"]).Select(s => (JsonObject)s!);
}
