using System.Net;
using System.Net.Sockets;

namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>
/// Where a webhook may point. On AWS (<see cref="AllowPrivate"/> false) never at loopback, private, link-local (the
/// instance metadata service at 169.254.169.254), carrier-grade NAT, unique-local, multicast or unspecified addresses,
/// nor at names that mean this machine: server-side request forgery. The URL is checked when it is saved, and the
/// address actually connected to is checked again at send time (<see cref="IsAllowed(IPAddress)"/>), so a name that
/// resolves elsewhere later (DNS rebinding) is refused too. Locally a webhook on 127.0.0.1 is what the tests use.
/// </summary>
/// <param name="AllowPrivate">True locally; false on AWS.</param>
public sealed record WebhookTargetPolicy(bool AllowPrivate)
{
    /// <summary>The local host's policy.</summary>
    public static WebhookTargetPolicy Local { get; } = new(true);

    /// <summary>AWS's policy.</summary>
    public static WebhookTargetPolicy Public { get; } = new(false);

    /// <summary>Why a URL may not be a webhook, or null.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>The reason, or null.</returns>
    public string? Problem(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return "webhook must be an absolute URL";
        }

        if (url.Scheme != Uri.UriSchemeHttps && !(AllowPrivate && url.Scheme == Uri.UriSchemeHttp))
        {
            return AllowPrivate ? "webhook must be http or https" : "webhook must be https";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "webhook must not carry a user name or password (the signature authenticates)";
        }

        if (url.AbsoluteUri.Length > 2048)
        {
            return "webhook URL is longer than 2048 characters";
        }

        if (AllowPrivate)
        {
            return null;
        }

        string host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
            || !host.Contains('.', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _))
        {
            return "webhook must not point at this machine or a private network (" + host + ")";
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? address) && !IsAllowed(address))
        {
            return "webhook must not point at a loopback, private or link-local address (" + address + ")";
        }

        return null;
    }

    /// <summary>Whether a connection may be made to this address.</summary>
    /// <param name="address">The resolved address.</param>
    /// <returns>True when allowed.</returns>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (AllowPrivate)
        {
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || b[0] == 127
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                || b[0] >= 224);
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
    }
}
