using System.Reflection;
using System.Runtime.InteropServices;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Every handler string in the template names a public type with a public parameterless constructor and
/// a public <c>Task&lt;Stream&gt; Method(Stream)</c> in the built Tracker.Cloud.Lambda assembly, read from
/// the Lambda package folder with MetadataLoadContext (nothing of it is executed), as the managed .NET
/// runtime will look them up (Lambda developer guide, "Lambda function handler in C#").
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class HandlerTests(SynthFixture synth)
{
    [SynthFact]
    public void EveryHandlerInTheTemplate_ResolvesInTheBuiltAssembly()
    {
        List<string> handlers = synth.Dev.Resources("AWS::Lambda::Function").Select(f => Text(f.Properties["Handler"])).ToList();
        Assert.Equal(4, handlers.Count);

        using MetadataLoadContext context = LoadContext();
        foreach (string handler in handlers)
        {
            Assert.True(TryResolve(context, handler, out string problem), handler + ": " + problem);
        }
    }

    [SynthFact]
    public void Resolver_RefusesHandlersThatDoNotExist()
    {
        using MetadataLoadContext context = LoadContext();

        Assert.False(TryResolve(context, "Tracker.Cloud.Lambda::Tracker.Cloud.Lambda.Functions.NoSuchFunction::FunctionHandler", out _));
        Assert.False(TryResolve(context, "Tracker.Cloud.Lambda::Tracker.Cloud.Lambda.Functions.IngestFunction::NoSuchMethod", out _));
        Assert.False(TryResolve(context, "Other.Assembly::Tracker.Cloud.Lambda.Functions.IngestFunction::FunctionHandler", out _));
        Assert.False(TryResolve(context, "Tracker.Cloud.Lambda::Tracker.Cloud.Lambda.Ingest.IngestHandler::FunctionHandler", out string problem));
        Assert.Contains("constructor", problem, StringComparison.Ordinal);
    }

    private MetadataLoadContext LoadContext()
    {
        IEnumerable<string> paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(p => Path.GetFileName(p) != InfraSettings.LambdaAssemblyFile))
            .Append(Path.Combine(synth.LambdaPackage, InfraSettings.LambdaAssemblyFile));
        return new MetadataLoadContext(new PathAssemblyResolver(paths));
    }

    private bool TryResolve(MetadataLoadContext context, string handler, out string problem)
    {
        string[] parts = handler.Split("::");
        if (parts.Length != 3)
        {
            problem = "not Assembly::Type::Method";
            return false;
        }

        string file = Path.Combine(synth.LambdaPackage, parts[0] + ".dll");
        if (!File.Exists(file))
        {
            problem = "no " + parts[0] + ".dll in the Lambda package";
            return false;
        }

        Assembly assembly = context.LoadFromAssemblyPath(file);
        Type? type = assembly.GetType(parts[1], throwOnError: false);
        if (type is null || !type.IsPublic || type.IsAbstract)
        {
            problem = "no public concrete type " + parts[1];
            return false;
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            problem = "no public parameterless constructor on " + parts[1];
            return false;
        }

        MethodInfo? method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance).SingleOrDefault(m => m.Name == parts[2]);
        if (method is null)
        {
            problem = "no public instance method " + parts[2];
            return false;
        }

        ParameterInfo[] parameters = method.GetParameters();
        bool shape = parameters.Length == 1
            && parameters[0].ParameterType.FullName == "System.IO.Stream"
            && method.ReturnType.IsGenericType
            && method.ReturnType.GetGenericTypeDefinition().FullName == "System.Threading.Tasks.Task`1"
            && method.ReturnType.GenericTypeArguments[0].FullName == "System.IO.Stream";
        problem = shape ? string.Empty : "not Task<Stream> " + parts[2] + "(Stream)";
        return shape;
    }
}
