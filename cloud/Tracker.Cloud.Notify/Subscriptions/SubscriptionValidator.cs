using System.Net.Mail;

namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>Whether a subscription can be used, and if not the first reason (the API returns it).</summary>
public static class SubscriptionValidator
{
    /// <summary>The most cars a group names.</summary>
    public const int MaxCars = 1000;

    /// <summary>Checks a subscription.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="webhooks">Where webhooks may point.</param>
    /// <returns>Null when acceptable, else why not.</returns>
    public static string? Problem(Subscription subscription, WebhookTargetPolicy webhooks)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(webhooks);
        if (string.IsNullOrEmpty(subscription.Id) || subscription.Id.Length > 64 || !subscription.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return "id must be 1 to 64 characters of letters, digits, '-' and '_'";
        }

        if (string.IsNullOrWhiteSpace(subscription.Name) || subscription.Name.Length > 100 || subscription.Name.Any(char.IsControl))
        {
            return "name must be 1 to 100 printable characters";
        }

        if (subscription.WebhookUrl is null && subscription.Email is null)
        {
            return "give a webhook, an e-mail address, or both";
        }

        if (subscription.Cars.Count > MaxCars)
        {
            return "a car group may name at most " + MaxCars + " cars";
        }

        if (subscription.Cars.Any(c => c.Length is 0 or > 128 || c.Any(char.IsControl)))
        {
            return "car ids must be 1 to 128 printable characters";
        }

        if (subscription.WebhookUrl is { } url)
        {
            if (webhooks.Problem(url) is { } problem)
            {
                return problem;
            }

            if (subscription.WebhookSecret is not { Length: >= 16 and <= 256 })
            {
                return "a webhook needs a secret of 16 to 256 characters (its HMAC-SHA256 key)";
            }
        }

        if (subscription.Email is { } email
            && (email.Length > 254 || !MailAddress.TryCreate(email, out MailAddress? parsed) || parsed.Address != email || !parsed.Host.Contains('.', StringComparison.Ordinal) && parsed.Host != "localhost"))
        {
            return "e-mail must be one plain address (name@example.com)";
        }

        return null;
    }
}
