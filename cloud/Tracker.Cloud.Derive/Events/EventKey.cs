using System.Globalization;

namespace Tracker.Cloud.Derive.Events;

/// <summary>
/// What makes an event one event: (car, type, episode start, subject). Writing an event again under its key
/// replaces it, so a re-delivered batch or a replay after late data never duplicates it. The subject (a zone or
/// rental id, or empty) tells apart two episodes of one type that start at the same instant.
/// </summary>
/// <param name="CarId">The car.</param>
/// <param name="Type">The type.</param>
/// <param name="EpisodeStartMs">When the episode began, UTC epoch ms (fix time).</param>
/// <param name="Subject">Zone or rental id, or empty.</param>
public readonly record struct EventKey(string CarId, EventType Type, long EpisodeStartMs, string Subject)
{
    /// <summary>
    /// The event's id within its car: <c>{episode start, 20 digits}#{type}#{subject}</c>, so ids sort by episode
    /// start (the DynamoDB sort key and the API's event id).
    /// </summary>
    public string Id => EpisodeStartMs.ToString("D20", CultureInfo.InvariantCulture) + "#" + EventTypeNames.Name(Type) + "#" + Subject;

    /// <summary>Reads an id written by <see cref="Id"/>.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="id">The id.</param>
    /// <param name="key">The key, when the id is well formed.</param>
    /// <returns>True when well formed.</returns>
    public static bool TryParseId(string carId, string? id, out EventKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(carId) || id is null || id.Length < 23 || id[20] != '#')
        {
            return false;
        }

        int second = id.IndexOf('#', 21);
        if (second < 0
            || !long.TryParse(id.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out long start)
            || !EventTypeNames.TryParse(id[21..second], out EventType type))
        {
            return false;
        }

        key = new EventKey(carId, type, start, id[(second + 1)..]);
        return true;
    }
}
