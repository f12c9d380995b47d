using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>
/// A step's event writes, kept on the car's state item by the same conditional put that commits the state, until they
/// are applied (the write-ahead that makes state and events one step without TransactWriteItems: see
/// <see cref="DynamoDbDeriveStore"/>).
/// </summary>
internal sealed class PendingWrites
{
    /// <summary>Events to upsert.</summary>
    public List<FleetEvent> Events { get; set; } = [];

    /// <summary>Ids of events to withdraw.</summary>
    public List<string> Withdrawn { get; set; } = [];
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
}

/// <summary>The source-generated serializer of <see cref="PendingWrites"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PendingWrites))]
internal sealed partial class PendingWritesJson : JsonSerializerContext
{
}
