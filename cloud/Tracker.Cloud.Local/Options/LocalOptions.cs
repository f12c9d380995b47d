using System.Globalization;
using System.Net;

namespace Tracker.Cloud.Local.Options;

/// <summary>
/// Everything the local host is told on its command line, validated once (<see cref="Validate"/>) before anything
/// starts. Immutable; each option is declared once in <see cref="LocalCommandLine"/> with its documentation.
/// </summary>
public sealed record LocalOptions
{
    /// <summary>Most simulated cars one host runs (the measured figure is for 1,000).</summary>
    public const int MaxCars = 5000;

    /// <summary>The folder for the CAs, the cars' bundles and flash, the users, the token key and the SQLite file.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The address every listener binds to. Loopback by default: the dev tokens and logins are not for a network.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The HTTP port: web app, REST API, MQTT over WebSocket (<c>/mqtt</c>), /health, /metrics. 0 picks a free port.</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>The MQTT over TLS port for cars (mutual TLS). 0 picks a free port.</summary>
    public int MqttPort { get; init; } = 8883;

    /// <summary>How many simulated cars to run (0: none; real devices or other tools may still connect).</summary>
    public int Cars { get; init; } = 25;

    /// <summary>An NMEA log every car replays (spread out along it) instead of generated routes; null for generated routes.</summary>
    public string? ReplayPath { get; init; }

    /// <summary>The route generator's seed: the same seed gives the same fleet.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The SMTP server e-mail notifications go through (a host name or IP address); null: no e-mail channel.</summary>
    public string? SmtpHost { get; init; }

    /// <summary>The SMTP server's port.</summary>
    public int SmtpPort { get; init; } = 25;

    /// <summary>The notifications' sender address (From).</summary>
    public string? SmtpFrom { get; init; }

    /// <summary>The fleet's overspeed threshold, km/h (the Derive stage's overspeed events); null for none.</summary>
    public int? OverspeedKmh { get; init; }

    /// <summary>The simulated cars' live-mode publish period while moving or watched (the device default is 5 s).</summary>
    public int LivePeriodMs { get; init; } = 1000;

    /// <summary>The simulated cars' report policy: <c>live</c> (about one record a second while moving), <c>device</c> (the firmware default) or a policy file.</summary>
    public string ReportPolicy { get; init; } = "live";

    /// <summary>The store.</summary>
    public StoreKind Store { get; init; } = StoreKind.Sqlite;

    /// <summary>The DynamoDB endpoint when <see cref="Store"/> is <see cref="StoreKind.DynamoDb"/>.</summary>
    public Uri? DynamoDbUrl { get; init; }

    /// <summary>The folder of the built web app (index.html); null to use the repository's cloud/Tracker.Cloud.Web/dist.</summary>
    public string? WebRoot { get; init; }

    /// <summary>Stop by itself after this long (benchmarks, smoke runs); null to run until Ctrl+C.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How often the console prints progress; zero for never.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Write logs as JSON lines (structured) instead of one readable line per event.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>How long shutdown waits for the cars to drain their logs before it gives up (their flash keeps the rest).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The time a new connection (cars' TLS, browsers' WebSocket) has to finish its handshake and MQTT CONNECT, and an HTTP client to send its request headers.</summary>
    public TimeSpan ConnectTimeout { get; init; } = Broker.BrokerLimits.DefaultConnectTimeout;

    /// <summary>How many connections may wait for their handshake or CONNECT at once on each listener; more are closed at once.</summary>
    public int MaxPendingConnections { get; init; } = Broker.BrokerLimits.DefaultMaxPendingConnections;

    /// <summary>How many HTTP connections (pages, API calls, browsers' WebSockets) may be open at once.</summary>
    public int MaxHttpConnections { get; init; } = Broker.BrokerLimits.DefaultMaxHttpConnections;

    /// <summary>How users sign in, and how the broker authorizes browsers.</summary>
    public AuthMode Auth { get; init; } = AuthMode.Local;

    /// <summary>With <see cref="AuthMode.Oidc"/>: the provider's issuer (its keys are read from <c>{issuer}/.well-known/jwks.json</c>, as Cognito publishes them).</summary>
    public Uri? OidcIssuer { get; init; }

    /// <summary>With <see cref="AuthMode.Oidc"/>: the web app's client id at the provider (the ID tokens' audience).</summary>
    public string? OidcClientId { get; init; }

    /// <summary>With <see cref="AuthMode.Oidc"/>: the hosted sign-in's base URL (Cognito's user pool domain: <c>/oauth2/authorize</c>, <c>/oauth2/token</c>, <c>/oauth2/revoke</c>, <c>/logout</c>); null for the issuer itself.</summary>
    public Uri? OidcSignInUrl { get; init; }

    /// <summary>OpenStreetMap's tile server, the web map's online layer by default (its usage policy asks for the attribution).</summary>
    public const string OpenStreetMapTiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    /// <summary>
    /// The web map's online tile layer, a URL template with {z}, {x} and {y} (and optionally {s}); null for none (the
    /// map is then the offline basemap and the generated town alone).
    /// </summary>
    public string? TileUrl { get; init; } = OpenStreetMapTiles;

    /// <summary>The attribution the tile layer's owner asks for (HTML); null for the default one of the URL's host.</summary>
    public string? TileAttribution { get; init; }

    /// <summary>Checks every option and the ones that depend on each other.</summary>
    /// <exception cref="LocalOptionsException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new LocalOptionsException("--data", "must name a folder");
        }

        CheckPort("--http-port", HttpPort);
        CheckPort("--mqtt-port", MqttPort);
        if (HttpPort != 0 && HttpPort == MqttPort)
        {
            throw new LocalOptionsException("--mqtt-port", "must differ from --http-port (" + HttpPort.ToString(CultureInfo.InvariantCulture) + ")");
        }

        if (Cars is < 0 or > MaxCars)
        {
            throw new LocalOptionsException("--cars", "must be 0 to " + MaxCars.ToString(CultureInfo.InvariantCulture) + ", not " + Cars.ToString(CultureInfo.InvariantCulture));
        }

        ValidateSmtp();

        if (OverspeedKmh is < 10 or > 300)
        {
            throw new LocalOptionsException("--overspeed-kmh", "must be 10 to 300 km/h, not " + OverspeedKmh.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (LivePeriodMs is < 1000 or > 300_000)
        {
            throw new LocalOptionsException("--live-period", "must be 1 s to 5 min");
        }

        if (ReplayPath is not null && !File.Exists(ReplayPath))
        {
            throw new LocalOptionsException("--replay", "file not found: " + ReplayPath);
        }

        if (!Fleet.FleetPolicies.TryLoad(ReportPolicy, out _, out string policyError))
        {
            throw new LocalOptionsException("--report-policy", policyError);
        }

        if (Store == StoreKind.DynamoDb && DynamoDbUrl is null)
        {
            throw new LocalOptionsException("--dynamodb-url", "is required with --store dynamodb (for example http://127.0.0.1:8000)");
        }

        if (Store == StoreKind.Sqlite && DynamoDbUrl is not null)
        {
            throw new LocalOptionsException("--dynamodb-url", "applies only with --store dynamodb");
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            throw new LocalOptionsException("--duration", "must be positive");
        }

        if (ProgressInterval < TimeSpan.Zero)
        {
            throw new LocalOptionsException("--progress", "must not be negative");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new LocalOptionsException("--drain-timeout", "must not be negative");
        }

        if (TileUrl is not null && !Http.TileLayer.IsValidTemplate(TileUrl, out string tileProblem))
        {
            throw new LocalOptionsException("--tile-url", tileProblem);
        }

        if (ConnectTimeout < TimeSpan.FromSeconds(1) || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            throw new LocalOptionsException("--connect-timeout", "must be 1 s to 5 min");
        }

        if (MaxPendingConnections is < 1 or > 100_000)
        {
            throw new LocalOptionsException("--max-pending-connections", "must be 1 to 100000");
        }

        if (MaxHttpConnections is < 1 or > 100_000)
        {
            throw new LocalOptionsException("--max-http-connections", "must be 1 to 100000");
        }

        ValidateAuth();
    }

    private void ValidateAuth()
    {
        if (Auth == AuthMode.Local)
        {
            if (OidcIssuer is not null || OidcClientId is not null || OidcSignInUrl is not null)
            {
                throw new LocalOptionsException("--auth", "must be oidc when --oidc-issuer, --oidc-client-id or --oidc-sign-in-url is given");
            }

            return;
        }

        if (OidcIssuer is null)
        {
            throw new LocalOptionsException("--oidc-issuer", "is required with --auth oidc (the provider's issuer URL)");
        }

        if (string.IsNullOrWhiteSpace(OidcClientId))
        {
            throw new LocalOptionsException("--oidc-client-id", "is required with --auth oidc (the web app's client id at the provider)");
        }

        try
        {
            new Tracker.Cloud.Core.Access.CognitoTokenOptions { Issuer = OidcIssuer.ToString().TrimEnd('/'), ClientIds = [OidcClientId] }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new LocalOptionsException("--oidc-issuer", "is not usable: " + e.Message);
        }

        if (OidcSignInUrl is { } signIn && !(signIn.Scheme == Uri.UriSchemeHttps || (signIn.Scheme == Uri.UriSchemeHttp && signIn.IsLoopback)))
        {
            throw new LocalOptionsException("--oidc-sign-in-url", "must be https (or http on a loopback host)");
        }
    }

    private static void CheckPort(string name, int port)
    {
        if (port is < 0 or > 65535)
        {
            throw new LocalOptionsException(name, "must be 0 to 65535, not " + port.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void ValidateSmtp()
    {
        if (SmtpHost is null)
        {
            if (SmtpFrom is not null)
            {
                throw new LocalOptionsException("--smtp-from", "applies only with --smtp-host");
            }

            if (SmtpPort != 25)
            {
                throw new LocalOptionsException("--smtp-port", "applies only with --smtp-host");
            }

            return;
        }

        if (SmtpHost.Length == 0 || SmtpHost.Length > 253 || Uri.CheckHostName(SmtpHost) == UriHostNameType.Unknown)
        {
            throw new LocalOptionsException("--smtp-host", "must be a host name or an IP address, not '" + SmtpHost + "'");
        }

        if (SmtpPort is < 1 or > 65535)
        {
            throw new LocalOptionsException("--smtp-port", "must be 1 to 65535, not " + SmtpPort.ToString(CultureInfo.InvariantCulture));
        }

        if (SmtpFrom is null)
        {
            throw new LocalOptionsException("--smtp-from", "is required with --smtp-host (the notifications' sender address)");
        }

        if (SmtpFrom.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(SmtpFrom, out System.Net.Mail.MailAddress? from) || from.Address != SmtpFrom)
        {
            throw new LocalOptionsException("--smtp-from", "must be a plain e-mail address such as tracker@fleet.example, not '" + SmtpFrom + "'");
        }
    }
}
