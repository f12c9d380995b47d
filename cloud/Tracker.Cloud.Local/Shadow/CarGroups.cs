using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tracker.Cloud.Local.Shadow;

/// <summary>
/// Named groups of cars, locally, in the place of IoT Core's static thing groups: an operator changes a group's
/// config (and, on AWS, targets a group's rollout) by its name, and a group keeps its config (by shadow name) for the
/// cars that join it later, as the API function keeps it in the thing group. Kept in memory, like the shadows. Thread-safe.
/// </summary>
public sealed partial class CarGroups
{
    /// <summary>The most cars in one group.</summary>
    public const int MaxCars = 10_000;

    private readonly ConcurrentDictionary<string, string[]> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _configs = new(StringComparer.Ordinal);

    /// <summary>A group name (IoT Core's thing group names: 1 to 128 of letters, digits, <c>:_-</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>A thing name (the car id): 1 to 128 of letters, digits, <c>:_-</c>.</summary>
    /// <param name="carId">The id.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidCarId(string? carId) => IsValidName(carId);

    /// <summary>Sets a group's members (replacing them).</summary>
    /// <param name="name">The group.</param>
    /// <param name="cars">Its cars, distinct.</param>
    public void Set(string name, IEnumerable<string> cars) => _groups[name] = cars.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A group's members.</summary>
    /// <param name="name">The group.</param>
    /// <param name="cars">Its cars.</param>
    /// <returns>False when no such group.</returns>
    public bool TryGet(string name, out string[] cars)
    {
        bool found = _groups.TryGetValue(name, out string[]? members);
        cars = members ?? [];
        return found;
    }

    /// <summary>A group's config, by shadow name (a copy; empty when none was set).</summary>
    /// <param name="name">The group.</param>
    /// <returns>The config.</returns>
    public JsonObject ConfigOf(string name) => _configs.TryGetValue(name, out JsonObject? cfg) ? cfg.DeepClone().AsObject() : [];

    /// <summary>Sets a group's config (replacing it), for the cars that join it later.</summary>
    /// <param name="name">The group.</param>
    /// <param name="cfg">The whole config, by shadow name.</param>
    public void SetConfig(string name, JsonObject cfg)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        _configs[name] = cfg.DeepClone().AsObject();
    }

    /// <summary>Every group and its cars, by name.</summary>
    /// <returns>The groups.</returns>
    public IReadOnlyList<KeyValuePair<string, string[]>> All() => _groups.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    [GeneratedRegex("^[A-Za-z0-9:_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
