using Xunit.Abstractions;
using Xunit.Sdk;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>Marks a test class whose tests need dynalite: they skip, with the reason, when it is not installed.</summary>
public interface INeedsDynalite;

/// <summary>
/// A fact of the contract suite. Declared once on the abstract suite, it runs in each concrete class;
/// a class that needs dynalite skips when dynalite is absent (xunit 2 decides skips at discovery, per
/// method, so the concrete class is consulted here).
/// </summary>
[XunitTestCaseDiscoverer("Tracker.Cloud.Storage.Tests.StoreFactDiscoverer", "Tracker.Cloud.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests as <see cref="StoreTestCase"/>.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>A test case that skips when its class needs dynalite and dynalite is absent.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    /// <summary>For deserialization only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    /// <summary>Creates the test case.</summary>
    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    /// <inheritdoc />
    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        Type type = TestMethod.TestClass.Class.ToRuntimeType();
        return typeof(INeedsDynalite).IsAssignableFrom(type) && DynaliteServer.SkipReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
    }
}
