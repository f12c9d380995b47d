namespace Tracker.Cloud.Infra.CostModel;

/// <summary>
/// The public on-demand prices the cost model uses, in US dollars, for us-east-1, without free tiers
/// or savings plans. One place, so docs/aws/cost-model.md states exactly the table it was computed from.
/// </summary>
public sealed record CostPrices
{
    /// <summary>When and where the prices were read.</summary>
    public required string AsOf { get; init; }

    /// <summary>AWS IoT Core connectivity, per million connection-minutes.</summary>
    public required decimal IotConnectionMinutesPerMillion { get; init; }

    /// <summary>AWS IoT Core messaging, per million messages (first billion a month; a message is metered in 5 KB steps).</summary>
    public required decimal IotMessagesPerMillion { get; init; }

    /// <summary>AWS IoT Core messaging is metered in steps of this many bytes.</summary>
    public required int IotMessageMeteringBytes { get; init; }

    /// <summary>AWS IoT rules engine, per million rules triggered.</summary>
    public required decimal IotRulesTriggeredPerMillion { get; init; }

    /// <summary>AWS IoT rules engine, per million actions executed.</summary>
    public required decimal IotActionsPerMillion { get; init; }

    /// <summary>Lambda on Arm (Graviton), per GB-second.</summary>
    public required decimal LambdaArmGbSecond { get; init; }

    /// <summary>Lambda, per million requests.</summary>
    public required decimal LambdaRequestsPerMillion { get; init; }

    /// <summary>DynamoDB on-demand, per million write request units.</summary>
    public required decimal DynamoWritesPerMillion { get; init; }

    /// <summary>DynamoDB on-demand, per million read request units.</summary>
    public required decimal DynamoReadsPerMillion { get; init; }

    /// <summary>DynamoDB Standard table storage, per GB-month.</summary>
    public required decimal DynamoStorageGbMonth { get; init; }

    /// <summary>DynamoDB point-in-time recovery (continuous backups), per GB-month.</summary>
    public required decimal DynamoPitrGbMonth { get; init; }

    /// <summary>S3 Standard, per GB-month.</summary>
    public required decimal S3StandardGbMonth { get; init; }

    /// <summary>S3 Standard-IA, per GB-month.</summary>
    public required decimal S3InfrequentGbMonth { get; init; }

    /// <summary>S3 Glacier Instant Retrieval, per GB-month.</summary>
    public required decimal S3GlacierInstantGbMonth { get; init; }

    /// <summary>S3 Glacier Flexible Retrieval, per GB-month.</summary>
    public required decimal S3GlacierFlexibleGbMonth { get; init; }

    /// <summary>S3 PUT requests, per thousand.</summary>
    public required decimal S3PutsPerThousand { get; init; }

    /// <summary>S3 GET requests, per thousand.</summary>
    public required decimal S3GetsPerThousand { get; init; }

    /// <summary>Athena, per TB scanned (10 MB minimum per query).</summary>
    public required decimal AthenaPerTbScanned { get; init; }

    /// <summary>API Gateway HTTP API, per million requests (first 300 million).</summary>
    public required decimal HttpApiPerMillion { get; init; }

    /// <summary>CloudWatch Logs ingestion (standard class), per GB.</summary>
    public required decimal LogsIngestGb { get; init; }

    /// <summary>CloudWatch Logs storage, per GB-month.</summary>
    public required decimal LogsStorageGbMonth { get; init; }

    /// <summary>A standard-resolution CloudWatch alarm, per month.</summary>
    public required decimal AlarmMonth { get; init; }

    /// <summary>A custom CloudWatch metric, per month.</summary>
    public required decimal CustomMetricMonth { get; init; }

    /// <summary>A CloudWatch dashboard, per month.</summary>
    public required decimal DashboardMonth { get; init; }

    /// <summary>X-Ray, per million traces recorded.</summary>
    public required decimal XRayTracesPerMillion { get; init; }

    /// <summary>A KMS customer managed key, per month.</summary>
    public required decimal KmsKeyMonth { get; init; }

    /// <summary>SES outbound e-mail, per 1,000 messages.</summary>
    public required decimal SesPerThousandEmails { get; init; }

    /// <summary>
    /// us-east-1 list prices as published on the AWS pricing pages of each service (IoT Core, Lambda,
    /// DynamoDB after the November 2024 on-demand reduction, S3, Athena, API Gateway, CloudWatch, X-Ray,
    /// KMS), as the author knew them; the machine this model was written on had no internet access, so
    /// check them against the pages before relying on a figure.
    /// </summary>
    public static CostPrices UsEast1 { get; } = new()
    {
        AsOf = "us-east-1 public on-demand list prices (2025 price pages; DynamoDB after its November 2024 on-demand reduction), no free tier; written 2026-11-23 without internet access: check before use",
        IotConnectionMinutesPerMillion = 0.08m,
        IotMessagesPerMillion = 1.00m,
        IotMessageMeteringBytes = 5 * 1024,
        IotRulesTriggeredPerMillion = 0.15m,
        IotActionsPerMillion = 0.15m,
        LambdaArmGbSecond = 0.0000133334m,
        LambdaRequestsPerMillion = 0.20m,
        DynamoWritesPerMillion = 0.625m,
        DynamoReadsPerMillion = 0.125m,
        DynamoStorageGbMonth = 0.25m,
        DynamoPitrGbMonth = 0.20m,
        S3StandardGbMonth = 0.023m,
        S3InfrequentGbMonth = 0.0125m,
        S3GlacierInstantGbMonth = 0.004m,
        S3GlacierFlexibleGbMonth = 0.0036m,
        S3PutsPerThousand = 0.005m,
        S3GetsPerThousand = 0.0004m,
        AthenaPerTbScanned = 5.00m,
        HttpApiPerMillion = 1.00m,
        LogsIngestGb = 0.50m,
        LogsStorageGbMonth = 0.03m,
        AlarmMonth = 0.10m,
        CustomMetricMonth = 0.30m,
        DashboardMonth = 3.00m,
        XRayTracesPerMillion = 5.00m,
        KmsKeyMonth = 1.00m,
        SesPerThousandEmails = 0.10m,
    };
}
