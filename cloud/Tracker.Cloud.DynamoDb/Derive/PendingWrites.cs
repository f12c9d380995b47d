using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>
/// A step's event writes, and its trips and stops, kept on the car's state item by the same conditional put that commits
/// the state, until they are applied (the write-ahead that makes state, events and trips one step without
/// TransactWriteItems: see <see cref="DynamoDbDeriveStore"/>).
/// </summary>
internal sealed class PendingWrites
{
    /// <summary>Events to upsert.</summary>
    public List<FleetEvent> Events { get; set; } = [];

    /// <summary>Ids of events to withdraw.</summary>
    public List<string> Withdrawn { get; set; } = [];

    /// <summary>The trips table the step's rows go to, or null when it has none.</summary>
    public string? TripsTable { get; set; }

    /// <summary>The step's trips and stops, inline; null when there are none or they were spilled.</summary>
    public PendingTrips? Trips { get; set; }

    /// <summary>The id of the spilled rows' parts in <see cref="TripsTable"/> (too large to ride on the state item), or null.</summary>
    public string? TripsSpill { get; set; }

    /// <summary>How many parts <see cref="TripsSpill"/> has.</summary>
    public int TripsSpillParts { get; set; }
}

/// <summary>A step's trips and stops as the state item carries them (each the JSON the trips table stores as <c>body</c>).</summary>
internal sealed class PendingTrips
{
    /// <summary>Fix time from which the step decided everything again (<see cref="long.MaxValue"/>: delete nothing).</summary>
    public long DecidedFrom { get; set; }

    /// <summary>Trips to upsert.</summary>
    public List<string> Trips { get; set; } = [];

    /// <summary>Stops to upsert.</summary>
    public List<string> Stops { get; set; } = [];

    public static PendingTrips Of(Tracker.Cloud.Derive.Storage.TripWrites writes) => new()
    {
        DecidedFrom = writes.DecidedFrom,
        Trips = [.. writes.Trips.Select(Tracker.Cloud.Derive.Engine.DeriveJson.Write)],
        Stops = [.. writes.Stops.Select(Tracker.Cloud.Derive.Engine.DeriveJson.Write)],
    };

    public Tracker.Cloud.Derive.Storage.TripWrites ToWrites() => new(
        DecidedFrom,
        [.. Trips.Select(Tracker.Cloud.Derive.Engine.DeriveJson.ReadTrip)],
        [.. Stops.Select(Tracker.Cloud.Derive.Engine.DeriveJson.ReadStop)]);
}

/// <summary>Gzip'd text for the state item's binary attributes (a car's state with its checkpoints compresses about tenfold, far under the 400 KB item limit).</summary>
internal static class Gzip
{
    public static MemoryStream Pack(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        output.Position = 0;
        return output;
    }

    public static string Unpack(MemoryStream input)
    {
        input.Position = 0;
        using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new StreamReader(gzip, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static MemoryStream Pack(PendingWrites writes) => Pack(JsonSerializer.Serialize(writes, PendingWritesJson.Default.PendingWrites));

    public static PendingWrites UnpackWrites(MemoryStream input) =>
        JsonSerializer.Deserialize(Unpack(input), PendingWritesJson.Default.PendingWrites) ?? throw new JsonException("null pending writes");

    public static MemoryStream Pack(PendingTrips trips) => Pack(JsonSerializer.Serialize(trips, PendingWritesJson.Default.PendingTrips));

    public static PendingTrips UnpackTrips(MemoryStream input) =>
        JsonSerializer.Deserialize(Unpack(input), PendingWritesJson.Default.PendingTrips) ?? throw new JsonException("null pending trips");
}

/// <summary>The source-generated serializer of <see cref="PendingWrites"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PendingWrites))]
[JsonSerializable(typeof(PendingTrips))]
internal sealed partial class PendingWritesJson : JsonSerializerContext
{
}
