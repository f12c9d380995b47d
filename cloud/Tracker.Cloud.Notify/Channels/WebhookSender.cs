using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Notify.Channels;

/// <summary>
/// POSTs an entry's event JSON to its webhook, signed: <c>X-Tracker-Signature: sha256={hex}</c>, the HMAC-SHA256 with
/// the subscription's secret of <c>{X-Tracker-Timestamp}.{body}</c> (the timestamp, Unix seconds, is signed so a
/// captured delivery cannot be replayed later), and <c>X-Tracker-Delivery</c>, the same on every attempt. A 2xx is
/// delivered; anything else, a timeout or a refused address is an error to retry. The address connected to is checked
/// against the <see cref="WebhookTargetPolicy"/> at connect time, after DNS, and redirects are not followed.
/// </summary>
public sealed class WebhookSender : ISender, IDisposable
{
    /// <summary>How long one attempt may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly Func<string, CancellationToken, Task<string?>> _secrets;
    private readonly TimeProvider _clock;

    /// <summary>Creates the sender.</summary>
    /// <param name="policy">Where webhooks may connect.</param>
    /// <param name="secrets">The secret of a subscription id, or null when it is gone (read at each send, so a new secret applies at once).</param>
    /// <param name="clock">The clock of the timestamp.</param>
    public WebhookSender(WebhookTargetPolicy policy, Func<string, CancellationToken, Task<string?>> secrets, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(clock);
        _secrets = secrets;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = Timeout,
            ConnectCallback = async (context, cancellationToken) =>
            {
                IPAddress[] addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
                IPAddress address = addresses.FirstOrDefault(policy.IsAllowed)
                    ?? throw new HttpRequestException("webhook host " + context.DnsEndPoint.Host + " resolves only to addresses webhooks may not reach");
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout };
    }

    /// <summary>The signature of a body at a timestamp (what a receiver recomputes).</summary>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="timestamp">The X-Tracker-Timestamp value.</param>
    /// <param name="body">The body.</param>
    /// <returns><c>sha256={lower-case hex}</c>.</returns>
    public static string Sign(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <inheritdoc/>
    public async Task<string?> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (await _secrets(entry.SubscriptionId, cancellationToken).ConfigureAwait(false) is not { } secret)
        {
            return "the subscription no longer exists";
        }

        string timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, entry.Target)
        {
            Content = new StringContent(entry.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tracker-Delivery", entry.DeliveryId);
        request.Headers.Add("X-Tracker-Timestamp", timestamp);
        request.Headers.Add("X-Tracker-Signature", Sign(secret, timestamp, entry.Payload));
        request.Headers.UserAgent.ParseAdd("tracker-notify/1");
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : "HTTP " + (int)response.StatusCode + " " + response.ReasonPhrase;
        }
        catch (HttpRequestException e)
        {
            return "could not reach the webhook: " + e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "the webhook did not answer within " + Timeout.TotalSeconds + " s";
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
