using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Lambda.Notify;

/// <summary>
/// The notifier's environment: its two tables (required), the verified SES sender (optional: without it e-mail entries
/// fail their attempts with the reason), the metrics namespace, and whether webhooks may reach private addresses (never
/// on AWS; only a test's local stand-in sets it).
/// </summary>
public sealed class NotifySettings
{
    /// <summary>The subscriptions table.</summary>
    public const string SubscriptionsTableVariable = "TRACKER_SUBSCRIPTIONS_TABLE";

    /// <summary>The outbox table.</summary>
    public const string OutboxTableVariable = "TRACKER_OUTBOX_TABLE";

    /// <summary>The SES sender address (a verified identity), or unset for no e-mail.</summary>
    public const string EmailFromVariable = "TRACKER_EMAIL_FROM";

    /// <summary>SES's endpoint, as the AWS SDKs name a service-specific override; unset on AWS (https://email.{region}.amazonaws.com).</summary>
    public const string SesEndpointVariable = "AWS_ENDPOINT_URL_SESV2";

    /// <summary>The region.</summary>
    public const string RegionVariable = "AWS_REGION";

    /// <summary>The CloudWatch namespace of the embedded metrics, or unset for none.</summary>
    public const string MetricNamespaceVariable = "TRACKER_METRIC_NAMESPACE";

    /// <summary>The retry queue's URL (SQS with per-message delay), or unset: retries then wait for the one-minute sweep.</summary>
    public const string RetryQueueUrlVariable = "TRACKER_NOTIFY_RETRY_QUEUE_URL";

    /// <summary>SQS's endpoint, as the AWS SDKs name a service-specific override; unset on AWS (https://sqs.{region}.amazonaws.com).</summary>
    public const string SqsEndpointVariable = "AWS_ENDPOINT_URL_SQS";

    /// <summary>"true" lets webhooks reach loopback and private addresses: for a local stand-in only; the stack never sets it.</summary>
    public const string WebhookAllowPrivateVariable = "TRACKER_WEBHOOK_ALLOW_PRIVATE";

    private NotifySettings(string subscriptions, string outbox, string? from, Uri? ses, string? region, string? metricNamespace, bool allowPrivate, Uri? retryQueue, Uri? sqs)
    {
        RetryQueueUrl = retryQueue;
        SqsEndpoint = sqs;
        SubscriptionsTable = subscriptions;
        OutboxTable = outbox;
        EmailFrom = from;
        SesEndpoint = ses;
        Region = region;
        MetricNamespace = metricNamespace;
        AllowPrivateWebhooks = allowPrivate;
    }

    /// <summary>The subscriptions table.</summary>
    public string SubscriptionsTable { get; }

    /// <summary>The outbox table.</summary>
    public string OutboxTable { get; }

    /// <summary>The SES sender, or null (no e-mail).</summary>
    public string? EmailFrom { get; }

    /// <summary>SES's endpoint (when <see cref="EmailFrom"/> is set).</summary>
    public Uri? SesEndpoint { get; }

    /// <summary>The retry queue, or null (retries wait for the sweep).</summary>
    public Uri? RetryQueueUrl { get; }

    /// <summary>SQS's endpoint (when <see cref="RetryQueueUrl"/> is set).</summary>
    public Uri? SqsEndpoint { get; }

    /// <summary>The region (when <see cref="EmailFrom"/> or <see cref="RetryQueueUrl"/> is set).</summary>
    public string? Region { get; }

    /// <summary>The metrics namespace, or null.</summary>
    public string? MetricNamespace { get; }

    /// <summary>True only for a local stand-in.</summary>
    public bool AllowPrivateWebhooks { get; }

    /// <summary>Reads and checks the settings.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A variable is missing or bad; the message names it.</exception>
    public static NotifySettings Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string subscriptions = EnvironmentVariable.Required(environment, SubscriptionsTableVariable, "the notifier needs the DynamoDB table name there");
        string outbox = EnvironmentVariable.Required(environment, OutboxTableVariable, "the notifier needs the DynamoDB table name there");
        string? from = Optional(environment, EmailFromVariable);
        Uri? ses = null;
        string? region = null;
        if (from is not null)
        {
            if (!System.Net.Mail.MailAddress.TryCreate(from, out System.Net.Mail.MailAddress? address) || address.Address != from)
            {
                throw new InvalidOperationException($"{EmailFromVariable} is '{from}': it must be a plain e-mail address (the SES identity the notifier sends from)");
            }

            region = EnvironmentVariable.Required(environment, RegionVariable, "SES is called in the function's region");
            string endpoint = Optional(environment, SesEndpointVariable) ?? "https://email." + region + ".amazonaws.com";
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out ses) || (ses.Scheme != Uri.UriSchemeHttps && ses.Scheme != Uri.UriSchemeHttp) || ses.AbsolutePath != "/")
            {
                throw new InvalidOperationException($"{SesEndpointVariable} is '{endpoint}': it must be a bare http(s)://host[:port]");
            }
        }

        Uri? queue = null;
        Uri? sqs = null;
        if (Optional(environment, RetryQueueUrlVariable) is { } queueText)
        {
            if (!Uri.TryCreate(queueText, UriKind.Absolute, out queue) || (queue.Scheme != Uri.UriSchemeHttps && queue.Scheme != Uri.UriSchemeHttp) || queue.AbsolutePath.Length < 2)
            {
                throw new InvalidOperationException($"{RetryQueueUrlVariable} is '{queueText}': it must be the queue's URL, https://sqs.{{region}}.amazonaws.com/{{account}}/{{name}}");
            }

            region ??= EnvironmentVariable.Required(environment, RegionVariable, "SQS is called in the function's region");
            string endpoint = Optional(environment, SqsEndpointVariable) ?? "https://sqs." + region + ".amazonaws.com";
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out sqs) || (sqs.Scheme != Uri.UriSchemeHttps && sqs.Scheme != Uri.UriSchemeHttp) || sqs.AbsolutePath != "/")
            {
                throw new InvalidOperationException($"{SqsEndpointVariable} is '{endpoint}': it must be a bare http(s)://host[:port]");
            }
        }

        string? allow = Optional(environment, WebhookAllowPrivateVariable);
        if (allow is not null and not "true" and not "false")
        {
            throw new InvalidOperationException($"{WebhookAllowPrivateVariable} is '{allow}': true or false");
        }

        return new NotifySettings(subscriptions, outbox, from, ses, region, Optional(environment, MetricNamespaceVariable), allow == "true", queue, sqs);
    }

    private static string? Optional(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
