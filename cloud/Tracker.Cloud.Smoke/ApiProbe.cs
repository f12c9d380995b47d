using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tracker.Cloud.Smoke;

/// <summary>
/// Polls <c>GET {base}/cars/{car}/location</c> with a user's token until the car's latest position is at
/// least as new as a given time: the fix the smoke car published, read back through IoT Core, the
/// ingest function, DynamoDB and the API.
/// </summary>
public static class ApiProbe
{
    /// <summary>How often the API is asked.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    /// <summary>Polls until the position is new enough or <paramref name="timeout"/> passes.</summary>
    /// <param name="http">The client.</param>
    /// <param name="baseUrl">The web app's URL (the API is on the same origin) or the API's own.</param>
    /// <param name="token">A user's ID or access token.</param>
    /// <param name="carId">The car.</param>
    /// <param name="newerThanMs">The oldest acceptable fix time, epoch ms.</param>
    /// <param name="timeout">The bound.</param>
    /// <param name="output">Each answer, and the result.</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>True when a new enough position came back.</returns>
    public static async Task<bool> WaitForFixAsync(HttpClient http, Uri baseUrl, string token, string carId, long newerThanMs, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(output);
        var url = new Uri(baseUrl, "cars/" + Uri.EscapeDataString(carId) + "/location");
        DateTimeOffset deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            string line;
            try
            {
                using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK && TryReadTs(body, out long ts))
                {
                    if (ts >= newerThanMs)
                    {
                        await output.WriteLineAsync($"ok: {url} has {carId} at {DateTimeOffset.FromUnixTimeMilliseconds(ts):O}: {body}").ConfigureAwait(false);
                        return true;
                    }

                    line = $"{carId}'s latest fix is {DateTimeOffset.FromUnixTimeMilliseconds(ts):O}, older than the drive";
                }
                else
                {
                    line = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + (body.Length > 300 ? body[..300] : body);
                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        await output.WriteLineAsync("FAILED: " + line + " (is the token an operator's, and not expired?)").ConfigureAwait(false);
                        return false;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                line = "unreachable: " + e.Message;
            }

            await output.WriteLineAsync("  " + line).ConfigureAwait(false);
            if (DateTimeOffset.UtcNow + Every > deadline)
            {
                await output.WriteLineAsync($"FAILED: no fix of {carId} newer than {DateTimeOffset.FromUnixTimeMilliseconds(newerThanMs):O} within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
                return false;
            }

            await Task.Delay(Every, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool TryReadTs(string body, out long ts)
    {
        ts = 0;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("ts", out JsonElement value)
                && value.TryGetInt64(out ts);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
