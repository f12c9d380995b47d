namespace Tracker.Cloud.Infra;

/// <summary>
/// Every physical name of a stage, derived from the stage name alone, so two stages never collide in
/// one account and a reader can tell a resource's stage from its name. Names that must be globally
/// unique (buckets) are left to CloudFormation.
/// </summary>
public sealed class StageNames
{
    /// <summary>Creates the names of a stage.</summary>
    /// <param name="stage">The stage: lower-case letters and digits (validated by <see cref="InfraSettings"/>).</param>
    public StageNames(string stage)
    {
        ArgumentException.ThrowIfNullOrEmpty(stage);
        Stage = stage;
    }

    /// <summary>The stage.</summary>
    public string Stage { get; }

    /// <summary>The prefix of the hyphenated names: <c>tracker-{stage}</c>.</summary>
    public string Prefix => "tracker-" + Stage;

    /// <summary>The CloudFormation stack.</summary>
    public string StackName => Prefix;

    /// <summary>The fixes table.</summary>
    public string FixesTable => Prefix + "-fixes";

    /// <summary>The latest-position table.</summary>
    public string LatestTable => Prefix + "-latest";

    /// <summary>The rentals table.</summary>
    public string RentalsTable => Prefix + "-rentals";

    /// <summary>The live grants table: which client ids each renter's live connections use (Tracker.Cloud.Lambda Live/LiveGrantLog).</summary>
    public string LiveGrantsTable => Prefix + "-live-grants";

    /// <summary>The Derive stage's per-car state (issue 16).</summary>
    public string DeriveStateTable => Prefix + "-derive-state";

    /// <summary>Fleet events (issue 16); its stream feeds the notifier.</summary>
    public string EventsTable => Prefix + "-events";

    /// <summary>Car statuses as Derive reads them (issue 16).</summary>
    public string StatusesTable => Prefix + "-statuses";

    /// <summary>Zones (geofences, issue 16).</summary>
    public string ZonesTable => Prefix + "-zones";

    /// <summary>The thresholds set through <c>/limits</c> (issue 16).</summary>
    public string LimitsTable => Prefix + "-limits";

    /// <summary>Trips, stops and odometer readings (issue 17).</summary>
    public string TripsTable => Prefix + "-trips";

    /// <summary>Notification subscriptions (issue 16).</summary>
    public string SubscriptionsTable => Prefix + "-subscriptions";

    /// <summary>The notification outbox (issue 16).</summary>
    public string OutboxTable => Prefix + "-outbox";

    /// <summary>The Derive clock's schedule rule.</summary>
    public string TickRule => Prefix + "-tick";

    /// <summary>The notifier's retry schedule rule.</summary>
    public string NotifyRetryRule => Prefix + "-notify-retries";

    /// <summary>The notifier's retry queue: a wake-up per failed attempt, delayed until its retry is due.</summary>
    public string NotifyRetryQueue => Prefix + "-notify-retry-wakes";

    /// <summary>The dead-letter queue of the IoT rules and of the ingest function's asynchronous invocations.</summary>
    public string DeadLetterQueue => Prefix + "-ingest-dlq";

    /// <summary>A function's name.</summary>
    /// <param name="role">ingest, api, archive or live-authorizer.</param>
    /// <returns><c>tracker-{stage}-{role}</c>.</returns>
    public string Function(string role) => Prefix + "-" + role;

    /// <summary>The IoT policy every car's certificate carries (JITP attaches it by this name).</summary>
    public string DevicePolicy => Prefix + "-device";

    /// <summary>
    /// The Basic Ingest rule of the fix batches: the cars' <c>mqtt.ingestRule</c> (rule names allow only
    /// <c>[A-Za-z0-9_]</c>, AWS IoT API reference, TopicRule).
    /// </summary>
    public string FixesRule => "tracker_" + Stage + "_fixes";

    /// <summary>The rule that republishes the cars' status for browsers.</summary>
    public string StatusRule => "tracker_" + Stage + "_status";

    /// <summary>The rule that hands the cars' status messages to the ingest function, for the Derive stage (issue 16).</summary>
    public string StatusDeriveRule => "tracker_" + Stage + "_status_derive";

    /// <summary>The rule that counts cars dropping off (lifecycle events) into a CloudWatch metric.</summary>
    public string PresenceRule => "tracker_" + Stage + "_presence";

    /// <summary>The IoT custom authorizer of the browsers' live connection.</summary>
    public string LiveAuthorizer => Prefix + "-live";

    /// <summary>The Cognito user pool.</summary>
    public string UserPool => Prefix + "-users";

    /// <summary>The web app's user pool client.</summary>
    public string WebClient => Prefix + "-web";

    /// <summary>The HTTP API.</summary>
    public string HttpApi => Prefix + "-api";

    /// <summary>The Glue database (Glue names allow no hyphen in Athena without quoting).</summary>
    public string GlueDatabase => "tracker_" + Stage;

    /// <summary>The Glue table of the archived fixes.</summary>
    public string GlueTable => "fixes";

    /// <summary>The Glue table of the archived trips.</summary>
    public string GlueTripsTable => "trips";

    /// <summary>The Glue table of the archived stops.</summary>
    public string GlueStopsTable => "stops";

    /// <summary>The Athena workgroup.</summary>
    public string AthenaWorkgroup => Prefix;

    /// <summary>The CloudWatch namespace of the stack's own metrics.</summary>
    public string MetricNamespace => "Tracker/" + Stage;

    /// <summary>The dashboard.</summary>
    public string Dashboard => Prefix;

    /// <summary>The alarm topic.</summary>
    public string AlarmTopic => Prefix + "-alarms";

    /// <summary>An alarm's name.</summary>
    /// <param name="what">What it watches.</param>
    /// <returns><c>tracker-{stage}-{what}</c>.</returns>
    public string Alarm(string what) => Prefix + "-" + what;
}
