using Amazon.CDK;

namespace Tracker.Cloud.Infra;

/// <summary>
/// Builds the CDK app: settings from the context, then the stage's stack. Used by <c>Program</c> (the
/// CLI's <c>app</c>) and by the tests, which synthesize in process.
/// </summary>
public static class TrackerApp
{
    /// <summary>Defines the stack of the stage the context names.</summary>
    /// <param name="app">The app, with its context.</param>
    /// <param name="baseDirectory">Where relative context paths are resolved (the working directory).</param>
    /// <returns>The stack.</returns>
    /// <exception cref="InfraConfigException">The context is incomplete or wrong.</exception>
    public static TrackerStack Define(App app, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(app);
        InfraSettings settings = InfraSettings.Read(app.Node.TryGetContext, baseDirectory);
        return new TrackerStack(app, settings);
    }
}
