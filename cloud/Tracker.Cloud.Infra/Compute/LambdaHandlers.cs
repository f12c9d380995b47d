using System.Reflection;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// The handler strings of the managed .NET runtime, <c>Assembly::Namespace.Type::Method</c> (Lambda
/// developer guide, "Define Lambda function handler in C#"), built from the function types themselves so
/// that a rename breaks the build, not the deployment. The infra tests also resolve every handler of the
/// synthesized template against the built assembly.
/// </summary>
public static class LambdaHandlers
{
    /// <summary>The ingest function (IoT rule → DynamoDB).</summary>
    public static string Ingest { get; } = Of(typeof(IngestFunction), nameof(IngestFunction.FunctionHandler));

    /// <summary>The HTTP API function.</summary>
    public static string Api { get; } = Of(typeof(ApiFunction), nameof(ApiFunction.FunctionHandler));

    /// <summary>The daily archive export.</summary>
    public static string Archive { get; } = Of(typeof(ArchiveFunction), nameof(ArchiveFunction.FunctionHandler));

    /// <summary>The IoT custom authorizer of the browsers' live connection.</summary>
    public static string LiveAuthorizer { get; } = Of(typeof(LiveAuthorizerFunction), nameof(LiveAuthorizerFunction.FunctionHandler));

    private static string Of(Type type, string method)
    {
        AssemblyName assembly = type.Assembly.GetName();
        return assembly.Name + "::" + type.FullName + "::" + method;
    }
}
