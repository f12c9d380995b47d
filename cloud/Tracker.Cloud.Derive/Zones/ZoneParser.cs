using System.Text.Json;

namespace Tracker.Cloud.Derive.Zones;

/// <summary>
/// Reads a zone as the API and the web app write it, in degrees:
/// <c>{"name":"Depot","scope":"fleet","returnZone":true,"circle":{"lat":48.1,"lon":11.5,"radiusM":150}}</c> or
/// <c>{"name":"Yard","polygon":[[48.1,11.5],[48.2,11.5],[48.2,11.6]]}</c>, with <c>"scope":"rental","rentalId":"..."</c>
/// for a rental's zone. Never throws on content: a malformed body gives the first reason, then
/// <see cref="ZoneValidator"/> judges the zone itself.
/// </summary>
public static class ZoneParser
{
    /// <summary>The largest body read, bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Parses a zone.</summary>
    /// <param name="id">The id, from the path.</param>
    /// <param name="json">The body.</param>
    /// <param name="zone">The zone, when acceptable.</param>
    /// <param name="problem">Why not; empty on success.</param>
    /// <returns>True when acceptable.</returns>
    public static bool TryParse(string id, string? json, out Zone? zone, out string problem)
    {
        zone = null;
        problem = string.Empty;
        if (json is null || json.Length == 0)
        {
            problem = "the body must be a zone in JSON";
            return false;
        }

        if (json.Length > MaxBytes)
        {
            problem = "the body is over " + MaxBytes + " bytes";
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the body must be a JSON object";
                return false;
            }

            string? unknown = root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("name" or "scope" or "rentalId" or "returnZone" or "circle" or "polygon" or "id"));
            if (unknown is not null)
            {
                problem = "unknown member '" + (unknown.Length > 40 ? unknown[..40] : unknown) + "'";
                return false;
            }

            if (root.TryGetProperty("id", out JsonElement bodyId) && (bodyId.ValueKind != JsonValueKind.String || bodyId.GetString() != id))
            {
                problem = "the body's id differs from the path's";
                return false;
            }

            string? name = String(root, "name");
            string scopeText = String(root, "scope") ?? "fleet";
            if (scopeText is not ("fleet" or "rental"))
            {
                problem = "scope must be fleet or rental";
                return false;
            }

            bool returnZone = root.TryGetProperty("returnZone", out JsonElement r) && r.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("returnZone", out r) && r.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "returnZone must be true or false";
                return false;
            }

            GeoPoint? center = null;
            int radius = 0;
            List<GeoPoint> vertices = [];
            bool hasCircle = root.TryGetProperty("circle", out JsonElement circle);
            bool hasPolygon = root.TryGetProperty("polygon", out JsonElement polygon);
            if (hasCircle == hasPolygon)
            {
                problem = "give exactly one of circle and polygon";
                return false;
            }

            if (hasCircle)
            {
                if (circle.ValueKind != JsonValueKind.Object || !Degrees(circle, "lat", 90, out int lat, ref problem) || !Degrees(circle, "lon", 180, out int lon, ref problem))
                {
                    problem = problem.Length > 0 ? problem : "circle must be {lat, lon, radiusM}";
                    return false;
                }

                if (!circle.TryGetProperty("radiusM", out JsonElement rm) || !rm.TryGetInt32(out radius))
                {
                    problem = "circle.radiusM must be a whole number of metres";
                    return false;
                }

                center = new GeoPoint(lat, lon);
            }
            else
            {
                if (polygon.ValueKind != JsonValueKind.Array)
                {
                    problem = "polygon must be an array of [lat, lon] pairs";
                    return false;
                }

                int i = 0;
                foreach (JsonElement pair in polygon.EnumerateArray())
                {
                    if (i >= ZoneValidator.MaxVertices + 1)
                    {
                        break;
                    }

                    if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                        || !TryDegrees(pair[0], 90, out int lat) || !TryDegrees(pair[1], 180, out int lon))
                    {
                        problem = "polygon[" + i + "] must be [lat, lon] in degrees, latitude -90 to 90 and longitude -180 to 180";
                        return false;
                    }

                    vertices.Add(new GeoPoint(lat, lon));
                    i++;
                }

                if (polygon.GetArrayLength() > ZoneValidator.MaxVertices)
                {
                    problem = "a polygon may have at most " + ZoneValidator.MaxVertices + " vertices, not " + polygon.GetArrayLength();
                    return false;
                }
            }

            var candidate = new Zone
            {
                Id = id,
                Name = name ?? string.Empty,
                Scope = scopeText == "rental" ? ZoneScope.Rental : ZoneScope.Fleet,
                RentalId = String(root, "rentalId"),
                IsReturnZone = returnZone,
                Center = center,
                RadiusM = radius,
                Vertices = vertices,
            };
            if (ZoneValidator.Problem(candidate) is { } invalid)
            {
                problem = invalid;
                return false;
            }

            zone = candidate;
            return true;
        }
        catch (JsonException)
        {
            problem = "the body is not valid JSON";
            return false;
        }
        catch (InvalidOperationException)
        {
            problem = "a member has the wrong JSON type";
            return false;
        }
    }

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement e) ? (e.ValueKind == JsonValueKind.String ? e.GetString() : throw new InvalidOperationException(name)) : null;

    private static bool Degrees(JsonElement o, string name, int bound, out int e7, ref string problem)
    {
        e7 = 0;
        if (!o.TryGetProperty(name, out JsonElement e) || !TryDegrees(e, bound, out e7))
        {
            problem = "circle." + name + " must be degrees from -" + bound + " to " + bound;
            return false;
        }

        return true;
    }

    private static bool TryDegrees(JsonElement e, int bound, out int e7)
    {
        e7 = 0;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDecimal(out decimal degrees) || degrees < -bound || degrees > bound)
        {
            return false;
        }

        e7 = (int)Math.Round(degrees * 10_000_000m, MidpointRounding.AwayFromZero);
        return true;
    }
}
