namespace Tracker.Cloud.Infra.CostModel;

/// <summary>
/// The monthly AWS cost of a fleet, line by line, from the measured message counts and sizes (README.md,
/// "Measured") and the stated assumptions and prices. Plain arithmetic, so docs/aws/cost-model.md is this
/// model's output (a test compares them) rather than a hand calculation that can drift.
/// </summary>
public static class FleetCostModel
{
    private const decimal Million = 1_000_000m;
    private const decimal Gb = 1024m * 1024m * 1024m;
    private const decimal MinutesPerDay = 1440m;

    /// <summary>TLS bytes of one status message: 59 B of MQTT with its PUBACK (Uplink/README.md) and a ~29 B TLS record each way.</summary>
    public const decimal StatusCellularBytes = 59m + (2 * 29m);

    /// <summary>TLS bytes of one keep-alive: PINGREQ and PINGRESP (2 B each, MQTT 3.1.1 §3.12-3.13) in a ~29 B TLS record each.</summary>
    public const decimal KeepAliveCellularBytes = 4m + (2 * 29m);

    /// <summary>One car's day.</summary>
    /// <param name="a">The assumptions.</param>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The counts.</returns>
    public static CarDay Day(CostAssumptions a, CostScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(a);
        decimal driveHours = a.DriveFixes * (decimal)a.DriveEpochSeconds / 3600m;
        decimal moving = a.DriveRecordedFixes / driveHours * a.DrivingHoursPerDay;
        decimal parked = (24m - a.DrivingHoursPerDay) * 3600m / a.ParkedHeartbeatSeconds;

        // A parked heartbeat goes alone: the next one comes 15 minutes later, after the 5-minute batch period.
        decimal perMessage = scenario == CostScenario.Batch ? a.BatchFixesPerMessage : a.LiveFixesPerMessage;
        decimal messages = (moving / perMessage) + parked;
        decimal movingBytes = moving * (scenario == CostScenario.Batch ? a.BatchTlsBytesPerFix : a.LiveTlsBytesPerFix);
        decimal cellular = movingBytes + (parked * a.LiveTlsBytesPerFix) + (a.StatusMessagesPerDay * StatusCellularBytes)
            + (86400m / a.KeepAliveSeconds * KeepAliveCellularBytes);
        return new CarDay(moving, parked, messages, a.StatusMessagesPerDay, cellular);
    }

    /// <summary>The fleet's month.</summary>
    /// <param name="a">The assumptions.</param>
    /// <param name="p">The prices.</param>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The estimate.</returns>
    public static CostEstimate Estimate(CostAssumptions a, CostPrices p, CostScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(p);
        if (a.LargestPayloadBytes > p.IotMessageMeteringBytes)
        {
            throw new ArgumentException("the model counts every message as one metered message: payloads must fit in " + p.IotMessageMeteringBytes + " bytes", nameof(a));
        }

        CarDay car = Day(a, scenario);
        decimal carDays = (decimal)a.Cars * a.DaysPerMonth;
        decimal fixes = car.Fixes * carDays;
        decimal fixMessages = car.FixMessages * carDays;
        decimal statusMessages = car.StatusMessages * carDays;
        decimal presence = (decimal)a.ConnectionLossesPerDay * carDays;
        decimal published = fixMessages + statusMessages;

        decimal operatorHours = a.OperatorViewers * a.OperatorHoursPerDay * a.DaysPerMonth;
        decimal renterHours = a.RenterWatchHoursPerCarPerDay * carDays;
        decimal toOperators = published * a.OperatorViewers * a.OperatorHoursPerDay / 24m;
        decimal toRenters = published * a.RenterWatchHoursPerCarPerDay / 24m;
        decimal watchRequests = renterHours * a.WatchRequestsPerHour;

        // A browser session connects once and the authorizer runs again every 300 s (refreshAfterInSeconds).
        decimal authorizerRuns = (a.OperatorViewers * a.DaysPerMonth * (1m + (a.OperatorHoursPerDay * 12m))) + (carDays * (1m + (a.RenterWatchHoursPerCarPerDay * 12m)));
        decimal apiRequests = ((decimal)a.OperatorViewers * a.OperatorApiRequestsPerDay * a.DaysPerMonth) + ((decimal)a.RenterApiRequestsPerCarPerDay * carDays);
        decimal renterAuthorizerRuns = carDays * (1m + (a.RenterWatchHoursPerCarPerDay * 12m));

        // Each rental change invokes live-disconnect, which reads the renter's grants (issue 15, F5).
        decimal rentalChanges = a.RentalChangesPerCarPerDay * carDays;
        decimal smallInvocations = apiRequests + authorizerRuns + rentalChanges;

        decimal ingestGbSeconds = fixMessages * a.IngestMilliseconds / 1000m * a.IngestMemoryMb / 1024m;
        decimal smallGbSeconds = smallInvocations * a.SmallFunctionMilliseconds / 1000m * 512m / 1024m;

        // The authorizer records each renter's grant (one small item, one write unit) on every run.
        decimal writes = fixes + fixMessages + renterAuthorizerRuns;
        decimal archiveReads = fixes * a.DynamoBytesPerFix / 4096m * 0.5m;
        decimal reads = fixes + fixMessages + (apiRequests * a.ReadUnitsPerApiRequest) + (authorizerRuns * 0.5m) + (rentalChanges * 0.5m) + archiveReads;
        decimal tableGb = car.Fixes * a.Cars * a.RetentionDays * a.DynamoBytesPerFix / Gb;

        decimal archiveMonthGb = fixes * a.ParquetBytesPerFix / Gb;
        decimal archiveStorageUsd = ArchiveStorage(a.ArchiveMonthsKept, archiveMonthGb, p);
        decimal athenaTb = a.AthenaQueriesPerMonth * Math.Max(archiveMonthGb, 10m / 1024m) / 1024m;

        decimal logGb = (((fixMessages + statusMessages) * a.LogBytesPerInvocation) + (smallInvocations * 800m)) / Gb;
        decimal seconds = a.DaysPerMonth * 86400m;
        decimal traces = Sampled((fixMessages + statusMessages) / seconds) * seconds + smallInvocations;

        // Issue 16, the event and notification path. Every ingest step reads and rewrites the car's Derive state (an item of
        // DeriveStateBytes: ceil(KB) write units, one consistent read unit per 4 KB) and reads zones, rentals, statuses and the
        // fixes since the watermark; an event is an update of its item plus a rewrite of the state to clear its pending writes.
        decimal stateWriteUnits = Math.Ceiling(a.DeriveStateBytes / 1024m);
        decimal stateReadUnits = Math.Ceiling(a.DeriveStateBytes / 4096m);
        decimal events = a.EventsPerCarPerDay * carDays;
        decimal eventWrites = events * a.WritesPerEvent;
        decimal deriveWrites = (fixMessages * stateWriteUnits) + (eventWrites * (Math.Ceiling(a.EventItemBytes / 1024m) + stateWriteUnits));
        decimal deriveReads = fixMessages * (stateReadUnits + a.DeriveOtherReadUnits);
        decimal deriveGbSeconds = fixMessages * a.DeriveMilliseconds / 1000m * a.IngestMemoryMb / 1024m;

        // The clock: every car every minute is read (state, zones, rentals); only a minute that changes something is written.
        decimal tickCarMinutes = carDays * MinutesPerDay;
        decimal tickInvocations = a.DaysPerMonth * MinutesPerDay;
        decimal tickReads = tickCarMinutes * (stateReadUnits + 1.5m);
        decimal tickWrites = tickCarMinutes * a.TickWritingShare * stateWriteUnits;
        decimal tickGbSeconds = tickCarMinutes * a.TickMillisecondsPerCar / 1000m * 512m / 1024m;

        // The notifier: stream records are read by Lambda at no charge; one invocation per event at worst, and the retry
        // sweep once a minute (a failed send also costs an SQS wake-up, not counted: the model assumes receivers up).
        // Each notification is an outbox item written three times; e-mails go through SES.
        decimal notifications = events * a.NotifiedEventShare * a.ChannelsPerNotifiedEvent;
        decimal emails = events * a.NotifiedEventShare;
        decimal notifyInvocations = events + tickInvocations;
        decimal notifyGbSeconds = events * a.NotifyMilliseconds / 1000m * 256m / 1024m;
        decimal eventGb = events * a.RetentionDays / a.DaysPerMonth * a.EventItemBytes / Gb;

        // The status Derive rule (tracker/+/status to ingest): one more rule and action, one ingest invocation, the status
        // stored once in the statuses table (a conditional put, one write unit), and a Derive step like a batch's.
        decimal statusRuleUsd = statusMessages / Million * (p.IotRulesTriggeredPerMillion + p.IotActionsPerMillion);
        decimal statusGbSeconds = statusMessages * (a.StatusIngestMilliseconds + a.DeriveMilliseconds) / 1000m * a.IngestMemoryMb / 1024m;
        decimal statusWrites = statusMessages * (1m + stateWriteUnits);
        decimal statusReads = statusMessages * (stateReadUnits + a.DeriveOtherReadUnits);

        // The live event feed: every event write (and withdrawal, rare enough to leave out) is one IoT Publish over HTTPS,
        // delivered to the operators watching; renters never receive it.
        decimal eventPublishes = eventWrites;
        decimal eventDeliveries = eventPublishes * a.OperatorViewers * a.OperatorHoursPerDay / 24m;
        decimal publishGbSeconds = eventPublishes * a.EventPublishMilliseconds / 1000m * a.IngestMemoryMb / 1024m;

        // Issue 17, trips in the ingest path (Tracker.Cloud.Derive/README.md, "Trips on AWS"): every Derive step that applies
        // data (a fix batch, a status) reads the car's odometer readings (the tick does not: the clock applies no reading); a
        // closed trip writes itself and its stops, and each step that commits rows then clears them from the state item.
        // Kept a year.
        decimal derivingSteps = fixMessages + statusMessages;
        decimal tripReads = derivingSteps * a.TripReadUnitsPerStep;
        decimal tripWrites = a.TripsPerCarPerDay * carDays * (a.WriteUnitsPerTrip + (a.TripCommitStepsPerTrip * stateWriteUnits));
        decimal tripGbSeconds = derivingSteps * a.TripMilliseconds / 1000m * a.IngestMemoryMb / 1024m;
        decimal tripGb = a.TripsPerCarPerDay * carDays * a.TripMonthsKept * a.TripStoredBytes / Gb;

        // The archive's trips and stops (TripArchiveExporter): every night each car's window of trips and stops is read again
        // (consistent queries of the base table, 1 unit per started 4 KB, and its rentals), and the changed days are written: per
        // table a part, a manifest and a listing (PUT-priced); every day of the window costs a manifest GET per table.
        decimal tripsPerMonth = a.TripsPerCarPerDay * carDays;
        // One day at a time (bounded memory): per car and day of the window a query of its trips (its bytes, rounded up to
        // 4 KB) and one of its stops (1 unit), and the car's rentals once.
        decimal archiveTripReads = a.Cars * a.DaysPerMonth * ((a.ArchiveTripWindowDays * (Math.Ceiling(a.TripsPerCarPerDay * a.TripItemBytes / 4096m) + 1m)) + 1m);
        decimal tripArchiveMonthGb = tripsPerMonth * a.ParquetBytesPerTrip / Gb;
        decimal tripArchivePuts = a.DaysPerMonth * a.ArchiveTripDaysWrittenPerNight * 2m * 3m;
        decimal tripArchiveGets = a.DaysPerMonth * a.ArchiveTripWindowDays * 2m;
        decimal tripAthenaTb = a.AthenaTripQueriesPerMonth * Math.Max(tripArchiveMonthGb, 10m / 1024m) / 1024m;

        decimal connectionMinutes = (carDays * MinutesPerDay) + ((operatorHours + renterHours) * 60m);
        var lines = new List<CostLine>
        {
            new("IoT Core", "connectivity (cars always on, browsers while watching)", connectionMinutes, "connection-minutes", connectionMinutes / Million * p.IotConnectionMinutesPerMillion),
            new("IoT Core", "fix batches in, Basic Ingest (no messaging charge)", fixMessages, "messages", 0m),
            new("IoT Core", "status messages in", statusMessages, "messages", statusMessages / Million * p.IotMessagesPerMillion),
            new("IoT Core", "republished for browsers (fleet/{car}/fixes and /status)", published, "messages", published / Million * p.IotMessagesPerMillion),
            new("IoT Core", "delivered to browsers (operators and renters watching)", toOperators + toRenters, "messages", (toOperators + toRenters) / Million * p.IotMessagesPerMillion),
            new("IoT Core", "watch requests (in, and out to the car)", 2 * watchRequests, "messages", 2 * watchRequests / Million * p.IotMessagesPerMillion),
            new("IoT Core", "rules triggered (fixes, status, presence)", published + presence, "rules", (published + presence) / Million * p.IotRulesTriggeredPerMillion),
            new("IoT Core", "rule actions (ingest + republish, republish, metric)", (2 * fixMessages) + statusMessages + presence, "actions", ((2 * fixMessages) + statusMessages + presence) / Million * p.IotActionsPerMillion),
            new("Lambda", "ingest requests", fixMessages, "requests", fixMessages / Million * p.LambdaRequestsPerMillion),
            new("Lambda", "ingest compute (" + a.IngestMilliseconds + " ms at " + a.IngestMemoryMb + " MB, Arm)", ingestGbSeconds, "GB-s", ingestGbSeconds * p.LambdaArmGbSecond),
            new("Lambda", "API, live authorizer and live-disconnect (requests and compute)", smallInvocations, "requests", (smallInvocations / Million * p.LambdaRequestsPerMillion) + (smallGbSeconds * p.LambdaArmGbSecond)),
            new("DynamoDB", "writes: each fix, the latest position per batch, renters' live grants", writes, "WRU", writes / Million * p.DynamoWritesPerMillion),
            new("DynamoDB", "reads: dedupe, enrichment, API, rentals, archive", reads, "RRU", reads / Million * p.DynamoReadsPerMillion),
            new("DynamoDB", "storage, " + a.RetentionDays + " days of fixes (TTL deletes are free)", tableGb, "GB", tableGb * p.DynamoStorageGbMonth),
            new("DynamoDB", "point-in-time recovery", tableGb, "GB", tableGb * p.DynamoPitrGbMonth),
            new("S3", "archive, " + a.ArchiveMonthsKept + " months kept (Standard, IA, Glacier IR)", archiveMonthGb * a.ArchiveMonthsKept, "GB", archiveStorageUsd),
            new("S3", "archive PUTs (a part and a manifest a day)", 2m * a.DaysPerMonth, "requests", 2m * a.DaysPerMonth / 1000m * p.S3PutsPerThousand),
            new("Athena", a.AthenaQueriesPerMonth + " queries over a month of archive", athenaTb * 1024m, "GB scanned", athenaTb * p.AthenaPerTbScanned),
            new("API Gateway", "HTTP API requests", apiRequests, "requests", apiRequests / Million * p.HttpApiPerMillion),
            new("CloudWatch", "logs ingested (one line per batch and the platform records)", logGb, "GB", logGb * p.LogsIngestGb),
            new("CloudWatch", "logs stored (one month)", logGb, "GB-month", logGb * p.LogsStorageGbMonth),
            new("CloudWatch", a.Alarms + " alarms, " + a.CustomMetrics + " custom metric, 1 dashboard", a.Alarms + a.CustomMetrics + 1, "items", (a.Alarms * p.AlarmMonth) + (a.CustomMetrics * p.CustomMetricMonth) + p.DashboardMonth),
            new("X-Ray", "traces (Lambda samples 1 a second and 5% beyond)", traces, "traces", traces / Million * p.XRayTracesPerMillion),
            new("KMS", "one customer managed key (bucket keys and DynamoDB's cached keys keep requests negligible)", 1, "key", p.KmsKeyMonth),
            new("Events", "Derive in ingest: compute (" + a.DeriveMilliseconds + " ms more per invocation)", deriveGbSeconds, "GB-s", deriveGbSeconds * p.LambdaArmGbSecond),
            new("Events", "Derive in ingest: DynamoDB writes (the car's state each step, events)", deriveWrites, "WRU", deriveWrites / Million * p.DynamoWritesPerMillion),
            new("Events", "Derive in ingest: DynamoDB reads (state, zones, rentals, statuses, fixes)", deriveReads, "RRU", deriveReads / Million * p.DynamoReadsPerMillion),
            new("Events", "tick every minute: requests and compute", tickInvocations, "requests", (tickInvocations / Million * p.LambdaRequestsPerMillion) + (tickGbSeconds * p.LambdaArmGbSecond)),
            new("Events", "tick: DynamoDB reads (every car every minute)", tickReads, "RRU", tickReads / Million * p.DynamoReadsPerMillion),
            new("Events", "tick: DynamoDB writes (minutes that change something)", tickWrites, "WRU", tickWrites / Million * p.DynamoWritesPerMillion),
            new("Events", "status rule to ingest: rules triggered and actions", statusMessages, "rules", statusRuleUsd),
            new("Events", "status rule to ingest: requests and compute (" + (a.StatusIngestMilliseconds + a.DeriveMilliseconds) + " ms)", statusMessages, "requests", (statusMessages / Million * p.LambdaRequestsPerMillion) + (statusGbSeconds * p.LambdaArmGbSecond)),
            new("Events", "status rule: DynamoDB writes (the status once, the car's state)", statusWrites, "WRU", statusWrites / Million * p.DynamoWritesPerMillion),
            new("Events", "status rule: DynamoDB reads (state, zones, rentals, statuses)", statusReads, "RRU", statusReads / Million * p.DynamoReadsPerMillion),
            new("Events", "live event feed: IoT publishes (HTTPS) and deliveries to operators watching", eventPublishes + eventDeliveries, "messages", ((eventPublishes + eventDeliveries) / Million * p.IotMessagesPerMillion) + (publishGbSeconds * p.LambdaArmGbSecond)),
            new("Events", "events stored (" + a.RetentionDays + " days) with point-in-time recovery", eventGb, "GB", eventGb * (p.DynamoStorageGbMonth + p.DynamoPitrGbMonth)),
            new("Trips", "in the Derive step: compute (" + a.TripMilliseconds + " ms more per step)", tripGbSeconds, "GB-s", tripGbSeconds * p.LambdaArmGbSecond),
            new("Trips", "DynamoDB reads (the odometer readings)", tripReads, "RRU", tripReads / Million * p.DynamoReadsPerMillion),
            new("Trips", "DynamoDB writes (" + a.TripsPerCarPerDay + " trips a car-day with their stops, index copies and commits)", tripWrites, "WRU", tripWrites / Million * p.DynamoWritesPerMillion),
            new("Trips", "trips kept " + a.TripMonthsKept + " months (no TTL) with point-in-time recovery", tripGb, "GB", tripGb * (p.DynamoStorageGbMonth + p.DynamoPitrGbMonth)),
            new("Trips", "archive: the nightly re-read of " + a.ArchiveTripWindowDays + " days of trips and stops a car (consistent queries) and its rentals", archiveTripReads, "RRU", archiveTripReads / Million * p.DynamoReadsPerMillion),
            new("Trips", "archive: Parquet trips and stops, " + a.ArchiveMonthsKept + " months kept (Standard: parts under 128 KB)", tripArchiveMonthGb * a.ArchiveMonthsKept, "GB", tripArchiveMonthGb * a.ArchiveMonthsKept * p.S3StandardGbMonth),
            new("Trips", "archive: PUTs and LISTs of the changed days, manifest GETs of the window", tripArchivePuts + tripArchiveGets, "requests", (tripArchivePuts / 1000m * p.S3PutsPerThousand) + (tripArchiveGets / 1000m * p.S3GetsPerThousand)),
            new("Trips", "Athena: " + a.AthenaTripQueriesPerMonth + " queries over a month of trips and stops (10 MB minimum each)", tripAthenaTb * 1024m, "GB scanned", tripAthenaTb * p.AthenaPerTbScanned),
            new("Notify", "notifier requests and compute (stream and one-minute sweep; a retry wake-up, one SQS request, only after a failed send)", notifyInvocations, "requests", (notifyInvocations / Million * p.LambdaRequestsPerMillion) + (notifyGbSeconds * p.LambdaArmGbSecond)),
            new("Notify", "outbox writes (add, claim, outcome) and subscription reads", notifications, "notifications", (notifications * a.OutboxWriteUnitsPerNotification / Million * p.DynamoWritesPerMillion) + (events * 2m / Million * p.DynamoReadsPerMillion)),
            new("Notify", "SES e-mails", emails, "e-mails", emails / 1000m * p.SesPerThousandEmails),
        };
        return new CostEstimate(scenario, car, lines, a.Cars);
    }

    // Lambda's default X-Ray sampling: the first request each second and 5% of the rest (Lambda developer guide, "Visualize Lambda function invocations using AWS X-Ray").
    private static decimal Sampled(decimal perSecond) => perSecond <= 1m ? perSecond : 1m + (0.05m * (perSecond - 1m));

    // A steady state: of the months kept, the newest is in Standard, the next two in Standard-IA
    // (from day 30), and the rest in Glacier Instant Retrieval (from day 90) (DataStores' lifecycle).
    private static decimal ArchiveStorage(int months, decimal monthGb, CostPrices p)
    {
        decimal usd = 0;
        for (int age = 0; age < months; age++)
        {
            decimal price = age switch
            {
                0 => p.S3StandardGbMonth,
                < 3 => p.S3InfrequentGbMonth,
                < 12 => p.S3GlacierInstantGbMonth,
                _ => p.S3GlacierFlexibleGbMonth,
            };
            usd += monthGb * price;
        }

        return usd;
    }
}
