using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The notifier, handler <c>notify</c> (<see cref="FunctionCatalog.Notify"/>): fed by the events table's stream, by its
/// retry queue when each retry is due, and by a one-minute sweep for overdue ones (<see cref="NotifyHandler"/>). Webhooks with the public target policy (no loopback, private
/// or link-local address, checked after DNS at connect time); e-mail through SES when <see cref="NotifySettings.EmailFromVariable"/>
/// is set. Environment: <see cref="NotifySettings"/>.
/// </summary>
public sealed class NotifyFunction : ILambdaFunction, IDisposable
{
    /// <summary>The bound on one SES or SQS call.</summary>
    public static readonly TimeSpan SesTimeout = TimeSpan.FromSeconds(5);

    private readonly NotifyHandler _handler;
    private readonly WebhookSender _webhooks;
    private readonly HttpClient _ses;

    /// <summary>Builds the function from the process environment, the function's credentials and the default AWS client chain.</summary>
    public NotifyFunction()
        : this(NotifySettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), IotConnectionCloser.FromEnvironment, TimeProvider.System)
    {
    }

    /// <summary>Builds the function from explicit settings and clients (tests, other hosts).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="dynamoDb">DynamoDB.</param>
    /// <param name="credentials">The credentials SES calls are signed with, read for each call.</param>
    /// <param name="clock">"Now".</param>
    public NotifyFunction(NotifySettings settings, IAmazonDynamoDB dynamoDb, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var store = new DynamoDbNotifyStore(dynamoDb, settings.SubscriptionsTable, settings.OutboxTable);
        WebhookTargetPolicy policy = settings.AllowPrivateWebhooks ? WebhookTargetPolicy.Local : WebhookTargetPolicy.Public;
        if (settings.AllowPrivateWebhooks)
        {
            Console.Out.WriteLine("{\"warning\":\"" + NotifySettings.WebhookAllowPrivateVariable + " is true: webhooks may reach loopback and private addresses (a local stand-in only)\"}");
        }

        _webhooks = new WebhookSender(policy, store.SecretAsync, clock);
        _ses = new HttpClient { Timeout = SesTimeout };
        var senders = new Dictionary<Channel, ISender> { [Channel.Webhook] = new PolicyCheckedSender(policy, _webhooks) };
        if (settings.EmailFrom is { } from)
        {
            senders[Channel.Email] = new SesEmailSender(_ses, settings.SesEndpoint!, settings.Region!, from, credentials, clock);
        }

        IRetryQueue? retryQueue = settings.RetryQueueUrl is { } queue
            ? new SqsRetryQueue(_ses, settings.SqsEndpoint!, settings.Region!, queue, credentials, clock)
            : null;
        _handler = new NotifyHandler(store, senders, NotifyOptions.Default, clock, Console.Out, settings.MetricNamespace, retryQueue);
    }

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _webhooks.Dispose();
        _ses.Dispose();
    }

    /// <summary>Checks the stored URL against the policy before each send too (a subscription saved under another policy, a literal address).</summary>
    private sealed class PolicyCheckedSender(WebhookTargetPolicy policy, ISender inner) : ISender
    {
        public Task<string?> SendAsync(OutboxEntry entry, CancellationToken cancellationToken) =>
            Uri.TryCreate(entry.Target, UriKind.Absolute, out Uri? url) && policy.Problem(url) is null
                ? inner.SendAsync(entry, cancellationToken)
                : Task.FromResult<string?>("refused: " + (policy.Problem(url) ?? "not a URL"));
    }
}
