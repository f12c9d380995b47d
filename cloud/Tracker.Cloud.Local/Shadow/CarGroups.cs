using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Tracker.Cloud.Local.Shadow;

/// <summary>
/// Named groups of cars, locally, in the place of IoT Core's static thing groups: an operator changes a group's
/// config (and, on AWS, targets a group's rollout) by its name. Kept in memory, like the shadows. Thread-safe.
/// </summary>
public sealed partial class CarGroups
{
    /// <summary>The most cars in one group.</summary>
    public const int MaxCars = 10_000;

    private readonly ConcurrentDictionary<string, string[]> _groups = new(StringComparer.Ordinal);

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

    /// <summary>Every group and its cars, by name.</summary>
    /// <returns>The groups.</returns>
    public IReadOnlyList<KeyValuePair<string, string[]>> All() => _groups.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    [GeneratedRegex("^[A-Za-z0-9:_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
