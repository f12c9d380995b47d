using System.Text.Json;
using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>
/// Reads a subscription as the API takes it: <c>{"name":"Ops","types":["overspeed","towing"],"cars":["car-0001"],
/// "webhook":{"url":"https://...","secret":"..."},"email":"ops@example.com","enabled":true}</c> (types and cars optional:
/// all; enabled optional: true). A webhook without a secret keeps the one already stored for the subscription, when
/// there is one (the API never shows a secret, so an edit need not repeat it). Never throws on content; then
/// <see cref="SubscriptionValidator"/> judges it.
/// </summary>
public static class SubscriptionParser
{
    /// <summary>The largest body read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Parses one.</summary>
    /// <param name="id">The path's id.</param>
    /// <param name="json">The body.</param>
    /// <param name="policy">Where webhooks may point.</param>
    /// <param name="subscription">The subscription, when acceptable.</param>
    /// <param name="problem">Why not.</param>
    /// <returns>True when acceptable.</returns>
    public static bool TryParse(string id, string? json, WebhookTargetPolicy policy, out Subscription? subscription, out string problem) =>
        TryParse(id, json, policy, null, out subscription, out problem);

    /// <summary>Parses one that may replace a stored one.</summary>
    /// <param name="id">The path's id.</param>
    /// <param name="json">The body.</param>
    /// <param name="policy">Where webhooks may point.</param>
    /// <param name="storedSecret">The stored subscription's webhook secret, kept when the body's webhook names none; or null.</param>
    /// <param name="subscription">The subscription, when acceptable.</param>
    /// <param name="problem">Why not.</param>
    /// <returns>True when acceptable.</returns>
    public static bool TryParse(string id, string? json, WebhookTargetPolicy policy, string? storedSecret, out Subscription? subscription, out string problem)
    {
        ArgumentNullException.ThrowIfNull(policy);
        subscription = null;
        problem = string.Empty;
        if (string.IsNullOrEmpty(json) || json.Length > MaxBytes)
        {
            problem = "the body must be a subscription in JSON, at most " + MaxBytes + " bytes";
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

            if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("id" or "name" or "types" or "cars" or "webhook" or "email" or "enabled")) is { } unknown)
            {
                problem = "unknown member '" + (unknown.Length > 40 ? unknown[..40] : unknown) + "'";
                return false;
            }

            List<EventType> types = [];
            foreach (string name in Strings(root, "types"))
            {
                if (!EventTypeNames.TryParse(name, out EventType type))
                {
                    problem = "'" + (name.Length > 40 ? name[..40] : name) + "' is not an event type";
                    return false;
                }

                types.Add(type);
            }

            Uri? url = null;
            string? secret = null;
            if (root.TryGetProperty("webhook", out JsonElement hook))
            {
                string? text = hook.GetProperty("url").GetString();
                if (!Uri.TryCreate(text, UriKind.Absolute, out url))
                {
                    problem = "webhook.url must be an absolute URL";
                    return false;
                }

                secret = hook.TryGetProperty("secret", out JsonElement given) ? given.GetString() : storedSecret;
            }

            bool enabled = true;
            if (root.TryGetProperty("enabled", out JsonElement on))
            {
                if (on.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problem = "enabled must be true or false";
                    return false;
                }

                enabled = on.GetBoolean();
            }

            var candidate = new Subscription
            {
                Id = id,
                Name = root.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? string.Empty : string.Empty,
                Types = types,
                Cars = Strings(root, "cars").ToList(),
                WebhookUrl = url,
                WebhookSecret = secret,
                Email = root.TryGetProperty("email", out JsonElement e) ? e.GetString() : null,
                Paused = !enabled,
            };
            if (SubscriptionValidator.Problem(candidate, policy) is { } invalid)
            {
                problem = invalid;
                return false;
            }

            subscription = candidate;
            return true;
        }
        catch (JsonException)
        {
            problem = "the body is not valid JSON";
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            problem = "a member is missing or has the wrong JSON type (webhook needs a url string, and a secret string unless the subscription already has one)";
            return false;
        }
    }

    private static IEnumerable<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement array)
            ? array.EnumerateArray().Select(v => v.GetString() ?? throw new InvalidOperationException(name)).ToList()
            : [];
}
