using System.Globalization;
using System.Text.Json;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Limits;

/// <summary>
/// Reads a limit setting from the API's JSON: <c>{"scope":"fleet"|"car"|"rental","id":"...","overspeedKmh":110,
/// "offlineAfterIgnitionOnS":300,"offlineAfterIgnitionOffS":1800}</c>. Anything outside the ranges, an unknown property,
/// a wrong type or a bad id is refused with the first reason; a setting with no value removes the stored one.
/// </summary>
public static class LimitParser
{
    /// <summary>The lowest overspeed threshold taken, km/h.</summary>
    public const int MinOverspeedKmh = 10;

    /// <summary>The highest overspeed threshold taken, km/h.</summary>
    public const int MaxOverspeedKmh = 300;

    /// <summary>The shortest offline limit taken, s (a moving car publishes every few seconds).</summary>
    public const int MinOfflineS = 60;

    /// <summary>The longest offline limit with the ignition on, s (a day).</summary>
    public const int MaxOfflineOnS = 86_400;

    /// <summary>The longest offline limit with the ignition off, s (a week).</summary>
    public const int MaxOfflineOffS = 604_800;

    /// <summary>The longest body read.</summary>
    public const int MaxBodyChars = 4096;

    /// <summary>Reads a setting.</summary>
    /// <param name="json">The body.</param>
    /// <param name="setting">The setting, when it is valid.</param>
    /// <param name="problem">Why not, otherwise.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(string? json, out LimitSetting? setting, out string problem)
    {
        setting = null;
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxBodyChars)
        {
            problem = "the body must be a JSON object of at most " + MaxBodyChars.ToString(CultureInfo.InvariantCulture) + " characters";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the body must be a JSON object";
                return false;
            }

            string? unknown = root.EnumerateObject().Select(p => p.Name)
                .FirstOrDefault(n => n is not ("scope" or "id" or "overspeedKmh" or "offlineAfterIgnitionOnS" or "offlineAfterIgnitionOffS"));
            if (unknown is not null)
            {
                problem = "unknown property '" + (unknown.Length <= 40 ? unknown : unknown[..40] + "...") + "'";
                return false;
            }

            if (!TryScope(root, out LimitScope scope, out string id, out problem)
                || !TryNumber(root, "overspeedKmh", MinOverspeedKmh, MaxOverspeedKmh, out int? kmh, out problem)
                || !TryNumber(root, "offlineAfterIgnitionOnS", MinOfflineS, MaxOfflineOnS, out int? onS, out problem)
                || !TryNumber(root, "offlineAfterIgnitionOffS", MinOfflineS, MaxOfflineOffS, out int? offS, out problem))
            {
                return false;
            }

            setting = new LimitSetting(scope, id, kmh is { } k ? KmhToMmps(k) : null, onS * 1000L, offS * 1000L);
            problem = string.Empty;
            return true;
        }
        catch (JsonException e)
        {
            problem = "the body is not JSON (" + e.Message.Split('.')[0] + ")";
            return false;
        }
    }

    /// <summary>km/h to mm/s, rounded.</summary>
    /// <param name="kmh">km/h.</param>
    /// <returns>mm/s.</returns>
    public static int KmhToMmps(int kmh) => (int)Math.Round(kmh * 1_000_000 / 3600.0);

    /// <summary>mm/s to km/h, rounded.</summary>
    /// <param name="mmps">mm/s.</param>
    /// <returns>km/h.</returns>
    public static int MmpsToKmh(int mmps) => (int)Math.Round(mmps * 3600 / 1_000_000.0);

    private static bool TryScope(JsonElement root, out LimitScope scope, out string id, out string problem)
    {
        scope = LimitScope.Fleet;
        id = string.Empty;
        problem = string.Empty;
        string? name = root.TryGetProperty("scope", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        string? given = root.TryGetProperty("id", out JsonElement i) ? (i.ValueKind == JsonValueKind.String ? i.GetString() : "\0") : null;
        switch (name)
        {
            case "fleet":
                if (given is not null && given.Length > 0)
                {
                    problem = "a fleet setting has no id";
                    return false;
                }

                return true;
            case "car":
                scope = LimitScope.Car;
                if (given is null || !UplinkTopics.IsValidThingName(given))
                {
                    problem = "a car setting needs the car's id (1 to 128 of letters, digits, ':', '_' and '-')";
                    return false;
                }

                id = given;
                return true;
            case "rental":
                scope = LimitScope.Rental;
                if (given is null || given.Length is 0 or > 400 || given.Any(char.IsControl) || given.Split('/').Length != 3)
                {
                    problem = "a rental setting needs the rental's id (car/renter/start, as the zones' rentalId)";
                    return false;
                }

                id = given;
                return true;
            default:
                problem = "'scope' must be fleet, car or rental";
                return false;
        }
    }

    private static bool TryNumber(JsonElement root, string name, int min, int max, out int? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v) || v < min || v > max)
        {
            problem = "'" + name + "' must be a whole number from " + min.ToString(CultureInfo.InvariantCulture) + " to " + max.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        value = v;
        return true;
    }
}
