using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// A browser's MQTT client id carries its user: <c>web-{owner tag}-{random}</c>, where the owner tag is the
/// first 32 hex digits (128 bits) of SHA-256 of the token's subject (UTF-8). AWS IoT Core gives a client id to
/// whichever connection uses it last (AWS IoT developer guide, "MQTT": a second CONNECT with the same client id
/// disconnects the first), so without this a renter who learned an operator's client id could connect with it
/// and cut the operator off (issue 15, F4). The live authorizer refuses a client id whose tag is not the
/// caller's own, so a user can only ever displace their own connections (another tab). The tag binds, it does
/// not hide: knowing another user's tag does not help, because the authorizer compares it with the subject
/// of the token it has just validated. The web app computes the same tag (src/liveclientid.js).
/// </summary>
public static class LiveClientIds
{
    /// <summary>The owner tag's length: 32 lowercase hex digits.</summary>
    public const int TagLength = 32;

    /// <summary>The owner tag of a subject.</summary>
    /// <param name="subject">The token's <c>sub</c>.</param>
    /// <returns>32 lowercase hex digits.</returns>
    public static string OwnerTag(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..TagLength];
    }

    /// <summary>The prefix every client id of <paramref name="subject"/> starts with: <c>web-{tag}-</c>.</summary>
    /// <param name="subject">The token's <c>sub</c>.</param>
    /// <returns>The prefix.</returns>
    public static string PrefixOf(string subject) => LiveTopics.WebClientIdPrefix + OwnerTag(subject) + "-";

    /// <summary>True when <paramref name="clientId"/> is a valid browser client id of <paramref name="subject"/>: its prefix, then at least one more character.</summary>
    /// <param name="clientId">The MQTT client id.</param>
    /// <param name="subject">The validated token's subject.</param>
    /// <returns>Whether the caller may use this client id.</returns>
    public static bool IsOwnedBy(string? clientId, string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!LiveAuthorizer.IsValidWebClientId(clientId))
        {
            return false;
        }

        string prefix = PrefixOf(subject);
        return clientId!.Length > prefix.Length && clientId.StartsWith(prefix, StringComparison.Ordinal);
    }
}
