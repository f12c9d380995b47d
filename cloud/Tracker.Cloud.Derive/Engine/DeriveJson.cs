using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// The JSON of a car's state and of checkpoints: source-generated (the Lambda is compiled ahead of time, with no
/// reflection). Unknown members are ignored and missing ones take their defaults, so a state written before a new
/// processor existed still reads: the new processor starts from its empty state.
/// </summary>
public static class DeriveJson
{
    /// <summary>Writes a car's state.</summary>
    /// <param name="car">The state.</param>
    /// <returns>JSON.</returns>
    public static string Write(CarDerivation car) => JsonSerializer.Serialize(car, DeriveJsonContext.Default.CarDerivation);

    /// <summary>Writes processor states.</summary>
    /// <param name="states">The states.</param>
    /// <returns>JSON.</returns>
    public static string Write(ProcessorStates states) => JsonSerializer.Serialize(states, DeriveJsonContext.Default.ProcessorStates);

    /// <summary>
    /// Writes what a clock tick may change besides the clock (<see cref="CarDeriver.Tick"/>): the processors' states and
    /// the connectivity, not the checkpoints. Two writes are equal exactly when those parts are.
    /// </summary>
    /// <param name="car">The state.</param>
    /// <returns>UTF-8 JSON of the two parts, in an array.</returns>
    public static byte[] WriteTicked(CarDerivation car)
    {
        ArgumentNullException.ThrowIfNull(car);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            JsonSerializer.Serialize(writer, car.States, DeriveJsonContext.Default.ProcessorStates);
            JsonSerializer.Serialize(writer, car.Connectivity, DeriveJsonContext.Default.ConnectivityState);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a car's state.</summary>
    /// <param name="json">What <see cref="Write(CarDerivation)"/> wrote.</param>
    /// <returns>The state.</returns>
    /// <exception cref="JsonException">Not a state.</exception>
    public static CarDerivation ReadCar(string json) =>
        JsonSerializer.Deserialize(json, DeriveJsonContext.Default.CarDerivation) ?? throw new JsonException("null car state");

    /// <summary>Reads processor states.</summary>
    /// <param name="json">What <see cref="Write(ProcessorStates)"/> wrote.</param>
    /// <returns>The states.</returns>
    /// <exception cref="JsonException">Not states.</exception>
    public static ProcessorStates ReadStates(string json) =>
        JsonSerializer.Deserialize(json, DeriveJsonContext.Default.ProcessorStates) ?? throw new JsonException("null processor states");

    /// <summary>Writes a trip (issue 17).</summary>
    /// <param name="trip">The trip.</param>
    /// <returns>JSON.</returns>
    public static string Write(Processors.Trips.Trip trip) => JsonSerializer.Serialize(trip, DeriveJsonContext.Default.Trip);

    /// <summary>Reads a trip.</summary>
    /// <param name="json">What <see cref="Write(Processors.Trips.Trip)"/> wrote.</param>
    /// <returns>The trip.</returns>
    /// <exception cref="JsonException">Not a trip.</exception>
    public static Processors.Trips.Trip ReadTrip(string json) =>
        JsonSerializer.Deserialize(json, DeriveJsonContext.Default.Trip) ?? throw new JsonException("null trip");

    /// <summary>Writes a stop (issue 17).</summary>
    /// <param name="stop">The stop.</param>
    /// <returns>JSON.</returns>
    public static string Write(Processors.Trips.Stop stop) => JsonSerializer.Serialize(stop, DeriveJsonContext.Default.Stop);

    /// <summary>Reads a stop.</summary>
    /// <param name="json">What <see cref="Write(Processors.Trips.Stop)"/> wrote.</param>
    /// <returns>The stop.</returns>
    /// <exception cref="JsonException">Not a stop.</exception>
    public static Processors.Trips.Stop ReadStop(string json) =>
        JsonSerializer.Deserialize(json, DeriveJsonContext.Default.Stop) ?? throw new JsonException("null stop");

    /// <summary>Writes an event.</summary>
    /// <param name="e">The event.</param>
    /// <returns>JSON.</returns>
    public static string Write(FleetEvent e) => JsonSerializer.Serialize(e, DeriveJsonContext.Default.FleetEvent);

    /// <summary>Reads an event.</summary>
    /// <param name="json">What <see cref="Write(FleetEvent)"/> wrote.</param>
    /// <returns>The event.</returns>
    /// <exception cref="JsonException">Not an event.</exception>
    public static FleetEvent ReadEvent(string json) =>
        JsonSerializer.Deserialize(json, DeriveJsonContext.Default.FleetEvent) ?? throw new JsonException("null event");
}

/// <summary>The source-generated serializer.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CarDerivation))]
[JsonSerializable(typeof(ProcessorStates))]
[JsonSerializable(typeof(FleetEvent))]
[JsonSerializable(typeof(Zones.Zone))]
[JsonSerializable(typeof(Processors.Trips.Trip))]
[JsonSerializable(typeof(Processors.Trips.Stop))]
internal sealed partial class DeriveJsonContext : JsonSerializerContext
{
}
