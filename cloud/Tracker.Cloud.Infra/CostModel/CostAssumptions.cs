namespace Tracker.Cloud.Infra.CostModel;

/// <summary>
/// What the cost model assumes about the fleet and its users, and the measured figures it is built on
/// (README.md, "Measured"). Every default is stated in docs/aws/cost-model.md.
/// </summary>
public sealed record CostAssumptions
{
    /// <summary>Cars in the fleet.</summary>
    public int Cars { get; init; } = 1000;

    /// <summary>Days in the month modelled.</summary>
    public int DaysPerMonth { get; init; } = 30;

    /// <summary>Hours a rental car drives a day (assumption).</summary>
    public decimal DrivingHoursPerDay { get; init; } = 2m;

    /// <summary>Measured: fixes the report policy recorded on the reference drive (README.md).</summary>
    public int DriveRecordedFixes { get; init; } = 735;

    /// <summary>Measured: fixes in the reference drive.</summary>
    public int DriveFixes { get; init; } = 4469;

    /// <summary>Measured: seconds between the drive's epochs.</summary>
    public int DriveEpochSeconds { get; init; } = 2;

    /// <summary>The report policy's parked heartbeat (<c>report.stopped.heartbeatS</c>, default 900 s).</summary>
    public int ParkedHeartbeatSeconds { get; init; } = 900;

    /// <summary>Measured: fixes per message in batch mode while moving (README.md, "The uplink").</summary>
    public decimal BatchFixesPerMessage { get; init; } = 21.6m;

    /// <summary>Measured: fixes per message when live while moving.</summary>
    public decimal LiveFixesPerMessage { get; init; } = 1.0m;

    /// <summary>Status messages a car sends a day: one every 15 minutes (<c>uplink.statusPeriodS</c>) and one per ignition change (4 assumed).</summary>
    public int StatusMessagesPerDay { get; init; } = 96 + 4;

    /// <summary>Connections a car loses a day without a clean DISCONNECT (coverage gaps; assumption): presence events.</summary>
    public int ConnectionLossesPerDay { get; init; } = 2;

    /// <summary>Measured: TLS bytes per recorded fix, batch mode (README.md, "The uplink").</summary>
    public decimal BatchTlsBytesPerFix { get; init; } = 14m;

    /// <summary>Measured: TLS bytes per recorded fix, live mode.</summary>
    public decimal LiveTlsBytesPerFix { get; init; } = 108m;

    /// <summary>Largest message payload: a full 100-fix batch at the measured 4.22 B/fix plus the frame, far below the 5 KB metering step.</summary>
    public int LargestPayloadBytes { get; init; } = 1024;

    /// <summary>Operators watching the whole fleet live at once (assumption).</summary>
    public int OperatorViewers { get; init; } = 2;

    /// <summary>Hours a day each operator watches (assumption).</summary>
    public decimal OperatorHoursPerDay { get; init; } = 8m;

    /// <summary>Hours a day a car's renter watches it live (assumption): the watch request then makes the car live.</summary>
    public decimal RenterWatchHoursPerCarPerDay { get; init; } = 0.5m;

    /// <summary>Watch requests while a car is watched: one a minute (the web app repeats it every 60 s).</summary>
    public int WatchRequestsPerHour { get; init; } = 60;

    /// <summary>API requests a car's renter makes a day (latest, history pages, me).</summary>
    public int RenterApiRequestsPerCarPerDay { get; init; } = 10;

    /// <summary>API requests an operator makes a day.</summary>
    public int OperatorApiRequestsPerDay { get; init; } = 300;

    /// <summary>DynamoDB read units an API request consumes on average (a history page of 1,000 fixes at ~250 B, eventually consistent, is ~31).</summary>
    public decimal ReadUnitsPerApiRequest { get; init; } = 10m;

    /// <summary>Billed duration of one ingest invocation (assumption: four DynamoDB round trips of ~8 ms and the decode; the measured CPU part is ~0.08 ms a fix).</summary>
    public decimal IngestMilliseconds { get; init; } = 40m;

    /// <summary>The ingest function's memory, MB (the stack's setting).</summary>
    public int IngestMemoryMb { get; init; } = 512;

    /// <summary>Changes to rentals a car-day (created, ended early, extended): each invokes live-disconnect once (assumption; the rentals table's stream is read by Lambda at no charge).</summary>
    public decimal RentalChangesPerCarPerDay { get; init; } = 1m;

    /// <summary>Billed duration of an API or authorizer invocation (assumption).</summary>
    public decimal SmallFunctionMilliseconds { get; init; } = 30m;

    /// <summary>Bytes a fix takes in DynamoDB, attribute names and the 100-byte item overhead included (assumption from the item layout).</summary>
    public int DynamoBytesPerFix { get; init; } = 250;

    /// <summary>Days of fixes DynamoDB keeps (the TTL).</summary>
    public int RetentionDays { get; init; } = 30;

    /// <summary>
    /// Bytes a fix takes in the Parquet archive: 19.10, measured by cloud/Tracker.Cloud.Archive.Benchmarks on a 1,000-car day
    /// (zstd, sorted by car; see cloud/Tracker.Cloud.Archive/README.md, "Measured").
    /// </summary>
    public decimal ParquetBytesPerFix { get; init; } = 19.10m;

    /// <summary>Months of archive kept when the model is read (the storage line is for this steady state).</summary>
    public int ArchiveMonthsKept { get; init; } = 12;

    /// <summary>Athena queries a month, each scanning a month of archive (assumption).</summary>
    public int AthenaQueriesPerMonth { get; init; } = 50;

    /// <summary>Log bytes per ingest invocation: the summary line plus the platform's START/END/REPORT records in JSON.</summary>
    public int LogBytesPerInvocation { get; init; } = 1100;

    /// <summary>The stack's alarms (issue 16 added notifications-failed, notifier-errors, notifier-behind, tick-errors, event-publishes-failed).</summary>
    public int Alarms { get; init; } = 13;

    /// <summary>The stack's custom metrics (CarsWentOffline; the notifier's delivered, attempts failed, failed, retry wake-ups lost; the live event feed's publishes failed).</summary>
    public int CustomMetrics { get; init; } = 6;

    /// <summary>Fleet events a car-day (assumption: ignition on and off, moving and stopped, fence crossings, rental start and end, a few alerts).</summary>
    public decimal EventsPerCarPerDay { get; init; } = 12m;

    /// <summary>Times an event is written (assumption: an overspeed episode is written when confirmed and again when it ends).</summary>
    public decimal WritesPerEvent { get; init; } = 1.5m;

    /// <summary>Share of events some subscription is told of (assumption: operators subscribe to alerts, not to every ignition).</summary>
    public decimal NotifiedEventShare { get; init; } = 0.25m;

    /// <summary>Channels each notified event goes by (assumption: a webhook and an e-mail).</summary>
    public int ChannelsPerNotifiedEvent { get; init; } = 2;

    /// <summary>
    /// Measured: bytes of one car's Derive state item (gzip'd JSON) after two days of this model's car, which every
    /// step rewrites (tests/Tracker.Cloud.Lambda.Runtime.Tests, DeriveStateSizeTests: 3,858 B after 236 steps).
    /// </summary>
    public int DeriveStateBytes { get; init; } = 3858;

    /// <summary>Billed ms the Derive step adds to an ingest invocation (assumption: five DynamoDB round trips; no event: no more).</summary>
    public decimal DeriveMilliseconds { get; init; } = 25m;

    /// <summary>Read units of the Derive step's reads besides the state (zones scan of ~50 zones, rentals, statuses and fixes since the watermark; assumption).</summary>
    public decimal DeriveOtherReadUnits { get; init; } = 3m;

    /// <summary>Share of car-minutes whose tick changes something and is written (assumption: offline, settling, rentals due).</summary>
    public decimal TickWritingShare { get; init; } = 0.02m;

    /// <summary>Billed ms of the tick per car (three reads, 8 cars at a time; assumption).</summary>
    public decimal TickMillisecondsPerCar { get; init; } = 4m;

    /// <summary>Bytes of an event item (body JSON, keys, index attributes; assumption from the item layout).</summary>
    public int EventItemBytes { get; init; } = 700;

    /// <summary>Write units per notification: the outbox put, the claim and the outcome, each an item of ~1.5 KB.</summary>
    public decimal OutboxWriteUnitsPerNotification { get; init; } = 6m;

    /// <summary>Billed ms of a notifier invocation (one webhook round trip or SES call; assumption).</summary>
    public decimal NotifyMilliseconds { get; init; } = 150m;

    /// <summary>Billed ms an ingest invocation from the status rule takes besides the Derive step (decode and the statuses table's conditional put; assumption: one DynamoDB round trip).</summary>
    public decimal StatusIngestMilliseconds { get; init; } = 10m;

    /// <summary>Billed ms of one IoT Publish over HTTPS for the live event feed (assumption: one round trip on a kept-alive connection).</summary>
    public decimal EventPublishMilliseconds { get; init; } = 15m;

    /// <summary>Trips a car-day (assumption: the store bench's 8; the truth bench's cars made 177 trips in 100 car-hours).</summary>
    public decimal TripsPerCarPerDay { get; init; } = 8m;

    /// <summary>
    /// Write units per trip in the trips table (DynamoDbTripStore): the trip item (~1 KB: 1 unit) with its local-index and
    /// day-index copies (1 each), and the two stop writes it causes (the stop it ends is closed, one opens: 1 unit each and
    /// 1 each for the local index) = 7, and one write in ten revised by late data.
    /// </summary>
    public decimal WriteUnitsPerTrip { get; init; } = 7.7m;

    /// <summary>
    /// Read units each Derive step spends on trips: the car's odometer readings (a range query: 1 unit). The query of the
    /// local index for what a step decided again is made only by a rewind (late data), since a step's rows ride on its
    /// commit (Tracker.Cloud.Derive/README.md, "A step's rows ride on its commit"): rare enough to leave out.
    /// </summary>
    public decimal TripReadUnitsPerStep { get; init; } = 1m;

    /// <summary>
    /// Derive steps a trip causes that commit rows (the one closing it with its stop, the one starting the next trip,
    /// closing that stop): each removes its applied rows from the car's state item afterwards, an update billed at the
    /// state item's size (<see cref="DeriveStateBytes"/>).
    /// </summary>
    public decimal TripCommitStepsPerTrip { get; init; } = 2m;

    /// <summary>Billed ms the trip store adds to a Derive step (assumption: a short query and, when a trip closes, its conditional puts).</summary>
    public decimal TripMilliseconds { get; init; } = 8m;

    /// <summary>Bytes a trip keeps in the trips table with its stops and index copies (assumption from the item layout).</summary>
    public int TripStoredBytes { get; init; } = 1_800;

    /// <summary>Months of trips the model keeps (the table has no TTL: trips are what bills are made from); the archive's 12.</summary>
    public int TripMonthsKept { get; init; } = 12;

    /// <summary>
    /// Parquet bytes a trip takes in the archive with its stop (the trips and stops tables, zstd, sorted by car), measured by
    /// <c>cloud/Tracker.Cloud.Archive.Benchmarks -- --tables trips</c> on 1,000 cars over 29 days (Tracker.Cloud.Archive/README.md).
    /// </summary>
    public decimal ParquetBytesPerTrip { get; init; } = 86.5m;

    /// <summary>Days of the window a night writes again, per table: the day just over and one revised (assumption).</summary>
    public decimal ArchiveTripDaysWrittenPerNight { get; init; } = 2m;

    /// <summary>Days of trips and stops the nightly archive run re-reads (ArchiveOptions.TripRevisionDays, clipped to the store's 29).</summary>
    public int ArchiveTripWindowDays { get; init; } = 29;

    /// <summary>Bytes a trip and its stop take in the trips table's base items (what the archive's consistent queries read; no index copies).</summary>
    public int TripItemBytes { get; init; } = 1_300;

    /// <summary>Athena queries a month over the trips and stops tables (distance, rentals, utilisation), each a month of them (assumption).</summary>
    public int AthenaTripQueriesPerMonth { get; init; } = 50;

    /// <summary>The MQTT keep-alive (<c>mqtt.keepAliveS</c>, default 300 s): a PINGREQ and PINGRESP each, for the cellular figure.</summary>
    public int KeepAliveSeconds { get; init; } = 300;

    /// <summary>The defaults above.</summary>
    public static CostAssumptions Default { get; } = new();
}
