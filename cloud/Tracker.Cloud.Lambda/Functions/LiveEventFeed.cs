using Tracker.Cloud.Derive;
using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The live event feed of the ingest and tick functions (<see cref="IotEventPublisher"/>): on when
/// <see cref="LiveDisconnectSettings.IotDataEndpointVariable"/> names the account's IoT data endpoint (the CDK stack sets
/// it, with <c>AWS_REGION</c>), off when it is unset. Half-set or malformed fails the start, naming the variable.
/// </summary>
public static class LiveEventFeed
{
    /// <summary>The bound on one Publish call: a slow IoT Core delays an ingest by at most this per event.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Builds the publisher the environment names, or null when the feed is off.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <param name="log">Where failures are logged.</param>
    /// <returns>The publisher, or null.</returns>
    /// <exception cref="InvalidOperationException">The endpoint is malformed or the region missing.</exception>
    public static IotEventPublisher? FromEnvironment(Func<string, string?> environment, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrWhiteSpace(environment(LiveDisconnectSettings.IotDataEndpointVariable)))
        {
            return null;
        }

        Uri endpoint = LiveDisconnectSettings.ReadIotDataEndpoint(environment);
        string region = EnvironmentVariable.Required(environment, LiveDisconnectSettings.RegionVariable, "the live event feed signs with it").Trim();
        string? metrics = environment(Notify.NotifySettings.MetricNamespaceVariable);
        var signer = new IotDataPlaneSigner(endpoint, region, IotDataPlaneSigner.FromEnvironment, TimeProvider.System);
        return new IotEventPublisher(new HttpClient { Timeout = PublishTimeout }, signer, log, string.IsNullOrWhiteSpace(metrics) ? null : metrics.Trim());
    }

    /// <summary>Publishes every committed step of <paramref name="service"/> through <paramref name="feed"/>.</summary>
    /// <param name="service">The Derive service.</param>
    /// <param name="feed">The publisher, or null for none.</param>
    public static void Attach(DeriveService service, IotEventPublisher? feed)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (feed is not null)
        {
            service.Committed = async (step, token) => await feed.PublishAsync(step, token).ConfigureAwait(false);
        }
    }
}
