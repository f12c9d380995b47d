using Amazon.CDK.AWS.Lambda;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Infra.Storage;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// Issue 17 on AWS: trips are computed in the ingest path (and by the tick, which closes a parked car's trip on the clock),
/// in the same Derive step as the events (Tracker.Cloud.Derive/README.md, "Trips on AWS: in the ingest path"), and the API
/// serves the reports. Each role gets only what <see cref="DynamoDbTripStore"/> calls for its side.
/// </summary>
public sealed partial class TrackerFunctions
{
    // A Derive step: the car's readings and a spilled commit's parts (range queries), what it decided again (the local
    // index, keys only), and the committed step's rows: each a PutItem conditioned on the row's state version (an upsert,
    // a tombstone, a spill part). Never a scan, a batch, a deletion or the day index.
    private static void AllowTripWrites(Function function, DataStores stores)
    {
        Allow(function, [stores.Trips.TableArn, stores.Trips.TableArn + "/index/" + DynamoDbTripStore.DecidedIndex], "dynamodb:Query");
        Allow(function, stores.Trips.TableArn, "dynamodb:PutItem");
    }

    // The reports: a car's trips, stops and readings (range queries), the fleet's day (the day index), and an operator's
    // dashboard reading (one put). The API never deletes a trip or writes one.
    private static void AllowTripReads(Function function, DataStores stores)
    {
        Allow(function, [stores.Trips.TableArn, stores.Trips.TableArn + "/index/" + DynamoDbTripStore.DayIndex], "dynamodb:Query");
        Allow(function, stores.Trips.TableArn, "dynamodb:PutItem");
    }
}
