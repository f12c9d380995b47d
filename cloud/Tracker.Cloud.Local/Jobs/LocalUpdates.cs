using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Updates;

namespace Tracker.Cloud.Local.Jobs;

/// <summary>
/// The update rollout inside the local host (issue 18): the image server on 127.0.0.1 over HTTPS with the fleet's
/// server certificate and short-lived URL tokens, the rollouts releasing IoT Jobs executions through the broker, and
/// the job documents' URL placeholder resolved at each delivery to a fresh token (as IoT Jobs resolves a pre-signed
/// URL placeholder).
/// </summary>
public sealed class LocalUpdates : IAsyncDisposable
{
    private ImageServer? _server;

    private LocalUpdates(JobsService jobs, ImageLibrary images, RolloutService rollouts)
    {
        Jobs = jobs;
        Images = images;
        Rollouts = rollouts;
    }

    /// <summary>IoT Jobs on the broker.</summary>
    public JobsService Jobs { get; }

    /// <summary>The uploaded images.</summary>
    public ImageLibrary Images { get; }

    /// <summary>The rollouts.</summary>
    public RolloutService Rollouts { get; }

    /// <summary>The image server (null until started).</summary>
    public ImageServer? Server => _server;

    /// <summary>Builds the parts; <see cref="StartAsync"/> starts the image server and the release loop.</summary>
    /// <param name="jobs">IoT Jobs on the broker.</param>
    /// <param name="images">The uploaded images.</param>
    /// <param name="broker">Publishes the jobs' messages.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The parts.</returns>
    public static LocalUpdates Create(JobsService jobs, ImageLibrary images, EmbeddedBroker broker, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(broker);
        var updates = new LocalUpdates(jobs, images, new RolloutService(jobs, images, broker.PublishShadowAsync, clock));
        jobs.Render = updates.Render;
        return updates;
    }

    /// <summary>Starts the image server on a free loopback port and the rollouts' release loop.</summary>
    /// <param name="pki">The server certificate.</param>
    /// <param name="clock">The clock the URL tokens expire by.</param>
    /// <returns>When listening.</returns>
    public async Task StartAsync(LocalPki pki, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(pki);
        _server = await ImageServer.StartAsync(Images.Folder, pki.ServerCertificate, RandomNumberGenerator.GetBytes(32), clock).ConfigureAwait(false);
        Rollouts.Start(TimeSpan.FromMilliseconds(250));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Rollouts.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private JsonObject Render(string thing, string jobId, JsonObject document)
    {
        if (document["url"] is JsonValue url && url.GetValueKind() == System.Text.Json.JsonValueKind.String && url.GetValue<string>() == "${local:image-url}"
            && document["version"] is JsonValue version && _server is { } server)
        {
            document["url"] = server.SignedUrlOf(ImageLibrary.FileOf(version.GetValue<string>()), RolloutService.UrlLifetime).ToString();
        }

        return document;
    }
}
