namespace Tracker.Cloud.Derive.Events;

/// <summary>What happened to a car (README.md, "Events", has the processor and the episode start of each).</summary>
public enum EventType
{
    /// <summary><c>geofence-enter</c>: the car entered a zone.</summary>
    GeofenceEnter,

    /// <summary><c>geofence-exit</c>: the car left a zone (a rental's zone during the rental is an alert).</summary>
    GeofenceExit,

    /// <summary><c>overspeed</c>: above the limit for at least the minimum duration; one event per episode.</summary>
    Overspeed,

    /// <summary><c>ignition-on</c>.</summary>
    IgnitionOn,

    /// <summary><c>ignition-off</c>.</summary>
    IgnitionOff,

    /// <summary><c>moving</c>: the car started moving.</summary>
    Moving,

    /// <summary><c>stopped</c>: the car stopped.</summary>
    Stopped,

    /// <summary><c>offline</c>: no message for the limit of its ignition state.</summary>
    Offline,

    /// <summary><c>online</c>: the first message after <see cref="Offline"/>.</summary>
    Online,

    /// <summary><c>power-lost</c>: the main supply fell away (disconnected or tampered with).</summary>
    PowerLost,

    /// <summary><c>power-restored</c>: the main supply is back.</summary>
    PowerRestored,

    /// <summary><c>low-battery</c>: the car's battery is low while parked.</summary>
    LowBattery,

    /// <summary><c>towing</c>: the car moved beyond the set distance with the ignition off.</summary>
    Towing,

    /// <summary><c>rental-started</c>, with the position and odometer.</summary>
    RentalStarted,

    /// <summary><c>rental-ended</c>, with the position and odometer.</summary>
    RentalEnded,

    /// <summary><c>rental-not-returned</c>: the grace after the rental's end has passed and the car is not in a return zone.</summary>
    RentalNotReturned,
}

/// <summary>The stable names of <see cref="EventType"/>, as the API writes and reads them.</summary>
public static class EventTypeNames
{
    private static readonly Dictionary<string, EventType> ByName =
        Enum.GetValues<EventType>().ToDictionary(Name, t => t, StringComparer.Ordinal);

    /// <summary>Every type, in declaration order.</summary>
    public static IReadOnlyList<EventType> All { get; } = Enum.GetValues<EventType>();

    /// <summary>The type's name, kebab-case (<c>geofence-exit</c>).</summary>
    /// <param name="type">The type.</param>
    /// <returns>Its name.</returns>
    public static string Name(EventType type) => type switch
    {
        EventType.GeofenceEnter => "geofence-enter",
        EventType.GeofenceExit => "geofence-exit",
        EventType.Overspeed => "overspeed",
        EventType.IgnitionOn => "ignition-on",
        EventType.IgnitionOff => "ignition-off",
        EventType.Moving => "moving",
        EventType.Stopped => "stopped",
        EventType.Offline => "offline",
        EventType.Online => "online",
        EventType.PowerLost => "power-lost",
        EventType.PowerRestored => "power-restored",
        EventType.LowBattery => "low-battery",
        EventType.Towing => "towing",
        EventType.RentalStarted => "rental-started",
        EventType.RentalEnded => "rental-ended",
        EventType.RentalNotReturned => "rental-not-returned",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an event type"),
    };

    /// <summary>Reads a name written by <see cref="Name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="type">The type, when known.</param>
    /// <returns>True when the name is an event type.</returns>
    public static bool TryParse(string? name, out EventType type) => ByName.TryGetValue(name ?? string.Empty, out type);

    /// <summary>
    /// True for the types that follow arrival time (offline, online): they are never rewound or withdrawn by late
    /// data. Every other type follows fix time and is replayed by a rewind.
    /// </summary>
    /// <param name="type">The type.</param>
    /// <returns>True for offline and online.</returns>
    public static bool FollowsArrival(EventType type) => type is EventType.Offline or EventType.Online;
}
