using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Lambda.Notify;

/// <summary>
/// E-mail on AWS through Amazon SES: the SESv2 <c>SendEmail</c> API (<c>POST /v2/email/outbound-emails</c>), a simple
/// text message from the verified sender identity, with the delivery id in an <c>X-Tracker-Delivery</c> header so a
/// receiver can drop the one repeat a crash between send and record can cause. There is no AWSSDK.SimpleEmailV2 package
/// on this registry: the request is built here and signed with AWS Signature Version 4 by AWSSDK.Core's signer (signing
/// name <see cref="SigningService"/>), as <see cref="Live.IotConnectionCloser"/> does for IoT. IAM:
/// <c>ses:SendEmail</c> on the sender's identity only.
/// </summary>
public sealed class SesEmailSender : ISender
{
    /// <summary>SES's SigV4 signing name.</summary>
    public const string SigningService = "ses";

    /// <summary>The API path.</summary>
    public const string Path = "/v2/email/outbound-emails";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly string _from;
    private readonly Func<ImmutableCredentials> _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates the sender.</summary>
    /// <param name="http">HTTP (its timeout bounds a call).</param>
    /// <param name="endpoint">SES's endpoint, <c>https://email.{region}.amazonaws.com</c>.</param>
    /// <param name="region">The region.</param>
    /// <param name="from">The verified sender address.</param>
    /// <param name="credentials">The function's credentials, read for each call.</param>
    /// <param name="clock">"Now", for the signature.</param>
    public SesEmailSender(HttpClient http, Uri endpoint, string region, string from, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        if (!endpoint.IsAbsoluteUri || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("the SES endpoint must be a bare scheme://host[:port], not '" + endpoint + "'", nameof(endpoint));
        }

        _http = http;
        _endpoint = endpoint;
        _region = region;
        _from = from;
        _credentials = credentials;
        _clock = clock;
    }

    /// <summary>The SESv2 request body for an entry.</summary>
    /// <param name="from">The sender.</param>
    /// <param name="entry">The entry.</param>
    /// <returns>JSON.</returns>
    public static string RequestBody(string from, OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("FromEmailAddress", from);
            json.WriteStartObject("Destination");
            json.WriteStartArray("ToAddresses");
            json.WriteStringValue(entry.Target);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("Content");
            json.WriteStartObject("Simple");
            json.WriteStartObject("Subject");
            json.WriteString("Data", "[tracker] " + entry.Summary);
            json.WriteString("Charset", "UTF-8");
            json.WriteEndObject();
            json.WriteStartObject("Body");
            json.WriteStartObject("Text");
            json.WriteString("Data", entry.Summary + "\n\n" + entry.Payload + "\n");
            json.WriteString("Charset", "UTF-8");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("Headers");
            json.WriteStartObject();
            json.WriteString("Name", "X-Tracker-Delivery");
            json.WriteString("Value", entry.DeliveryId);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc/>
    public async Task<string?> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        byte[] body = Encoding.UTF8.GetBytes(RequestBody(_from, entry));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, Path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        SigV4.Sign(request, "POST", Path, string.Empty, body, _endpoint, _credentials(), _region, SigningService, _clock.GetUtcNow().UtcDateTime);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return "SES answered HTTP " + (int)response.StatusCode + ": " + (text.Length > 300 ? text[..300] : text);
        }
        catch (HttpRequestException e)
        {
            return "could not reach SES: " + e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "SES did not answer in time";
        }
    }
}

/// <summary>AWS Signature Version 4 of a hand-built request, with AWSSDK.Core's signer computing the signature.</summary>
public static class SigV4
{
    /// <summary>Adds <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Content-Sha256</c>, the session token and <c>Authorization</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="method">Its method.</param>
    /// <param name="path">Its path, already in canonical (URI-encoded) form.</param>
    /// <param name="query">Its canonical query string ("" for none).</param>
    /// <param name="body">Its body.</param>
    /// <param name="endpoint">Where it goes.</param>
    /// <param name="credentials">The keys.</param>
    /// <param name="region">The region.</param>
    /// <param name="service">The signing name.</param>
    /// <param name="now">The signing time, UTC.</param>
    public static void Sign(HttpRequestMessage request, string method, string path, string query, ReadOnlySpan<byte> body, Uri endpoint, ImmutableCredentials credentials, string region, string service, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        string amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string host = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Host + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
        string payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-content-sha256"] = payloadHash, ["x-amz-date"] = amzDate };
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        string signedHeaders = string.Join(';', headers.Keys);
        string canonicalRequest = string.Join('\n', method, path, query, string.Concat(headers.Select(h => h.Key + ":" + h.Value.Trim() + "\n")), signedHeaders, payloadHash);
        AWS4SigningResult signature = AWS4Signer.ComputeSignature(credentials, region, now, service, signedHeaders, canonicalRequest);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", payloadHash);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
    }
}
