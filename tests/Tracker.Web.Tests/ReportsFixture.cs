using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Fixes;
using Tracker.HostLink;

namespace Tracker.Web.Tests;

/// <summary>
/// One local host with no simulated cars, where car-0001 (rented by renter1 from an hour before the host started) has
/// driven twice in the last hour through the broker, as a device would publish it: a 1.2 km trip, a parking, then a
/// 1.6 km trip with a 40 s dead zone in it (bridged, so part of its distance is estimated), and a second parking. The
/// Derive stage makes the trips and stops; the fixture waits until the API lists both trips.
/// </summary>
public sealed class ReportsFixture : BrowserFixture
{
    /// <summary>The car that drove.</summary>
    public const string Car = "car-0001";

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>The first trip's start, epoch ms.</summary>
    public long FirstTripMs { get; private set; }

    /// <summary>The trips as the API lists them to the operator, oldest first.</summary>
    public IReadOnlyList<JsonElement> Trips { get; private set; } = [];

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Host is null)
        {
            return; // no Chromium: every test skips
        }

        FirstTripMs = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (40 * 60_000)) / 1000 * 1000;
        using (MqttNetLink car = ConnectCar(Car))
        {
            foreach (Fix[] batch in Drive(FirstTripMs).Chunk(30))
            {
                await PublishAsync(car, Car, batch);
            }

            car.Disconnect();
        }

        string token = await TokenAsync("ops");
        long until = Environment.TickCount64 + 30_000;
        while (Environment.TickCount64 < until)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Host.HttpUrl, "/cars/" + Car + "/trips?start=" + (FirstTripMs - 60_000).ToString(CultureInfo.InvariantCulture)
                + "&end=" + DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage response = await Http.SendAsync(request);
            JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            Trips = [.. body.GetProperty("trips").EnumerateArray()];
            if (Trips.Count >= 2)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("the host did not list the drive's two trips within 30 s; it listed " + Trips.Count);
    }

    /// <summary>A client for the host's API (the tests read what the page should show from it).</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A bearer token from the dev login, one per user (the host allows an address 20 logins a minute).</summary>
    public async Task<string> TokenAsync(string user)
    {
        if (_tokens.TryGetValue(user, out string? kept))
        {
            return kept;
        }

        using HttpResponseMessage response = await Http.PostAsJsonAsync(new Uri(Host.HttpUrl, "/auth/login"), new { user, password = Host.Users.All.Single(u => u.User == user).Password });
        response.EnsureSuccessStatusCode();
        string token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        _tokens[user] = token;
        return token;
    }

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Where the drive runs: north along Redbud Street of the host's town (seed 1; the map the browser draws), so that
    /// every trip end and stop is within the street labeller's reach (60 m) of Redbud Street and of no other street.
    /// </summary>
    public const int DriveLatE7 = 395_000_000, DriveLonE7 = -1_198_558_000;

    /// <summary>The street the drive runs along.</summary>
    public const string DriveStreet = "Redbud Street";

    private static Fix Along(long timeMs, int northM, int speedMmps = 10_000) => FixAt(timeMs / 1000 * 1000, DriveLatE7 + (northM * 90), DriveLonE7, speedMmps);

    /// <summary>
    /// Two trips north at 36 km/h, each followed by 150 s parked (the Derive stage ends a trip after 2 min still): 120 s
    /// driving; then, 30 s after the parking, 160 s driving with no fixes from the 60th to the 100th second.
    /// </summary>
    private static IEnumerable<Fix> Drive(long startMs)
    {
        for (int i = 0; i < 120; i++)
        {
            yield return Along(startMs + (i * 1000L), i * 10);
        }

        for (int i = 1; i <= 15; i++)
        {
            yield return Along(startMs + 119_000 + (i * 10_000L), 1190, 0);
        }

        long second = startMs + 300_000;
        for (int i = 0; i < 160; i++)
        {
            if (i is >= 60 and < 100)
            {
                continue; // a dead zone: the car drives on, the fixes are lost
            }

            yield return Along(second + (i * 1000L), 1200 + (i * 10));
        }

        for (int i = 1; i <= 15; i++)
        {
            yield return Along(second + 159_000 + (i * 10_000L), 1200 + 1590, 0);
        }
    }
}
