using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace Tracker.Cloud.Local.Options;

/// <summary>
/// The host's command line: each option declared once here, with its help text. A bad command line prints what is
/// wrong and exits 2 before anything starts.
/// </summary>
public static class LocalCommandLine
{
    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="run"/> with the validated options.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where help goes.</param>
    /// <param name="error">Where usage errors go.</param>
    /// <param name="run">The host.</param>
    /// <returns>The process exit code.</returns>
    public static int Invoke(string[] args, TextWriter output, TextWriter error, Func<LocalOptions, int> run)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(run);
        var data = new Option<string>("--data") { Description = "Folder for the CAs, car bundles and flash, users, token key and SQLite file.", DefaultValueFactory = _ => ".tracker-local" };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (loopback by default; the dev logins are not for a network).", DefaultValueFactory = _ => "127.0.0.1" };
        var httpPort = new Option<int>("--http-port") { Description = "Web app, REST API, MQTT over WebSocket at /mqtt, /health, /metrics (0: any free port).", DefaultValueFactory = _ => 8080 };
        var mqttPort = new Option<int>("--mqtt-port") { Description = "MQTT over mutual TLS for cars (0: any free port).", DefaultValueFactory = _ => 8883 };
        var cars = new Option<int>("--cars") { Description = "Simulated cars, each running the firmware core with its own certificate.", DefaultValueFactory = _ => 25 };
        var replay = new Option<string?>("--replay") { Description = "An NMEA log for every car to replay (spread along it) instead of generated routes." };
        var seed = new Option<int>("--seed") { Description = "Route generator seed (same seed, same fleet).", DefaultValueFactory = _ => 1 };
        var live = new Option<string>("--live-period") { Description = "Cars' publish period while moving or watched, e.g. 1s, 5s (the device default is 5s).", DefaultValueFactory = _ => "1s" };
        var overspeed = new Option<int?>("--overspeed-kmh") { Description = "The fleet's overspeed threshold in km/h (10 to 300) for overspeed events; default: none." };
        var smtpHost = new Option<string?>("--smtp-host") { Description = "SMTP server for e-mail notifications (subscriptions with an e-mail address), e.g. 127.0.0.1; default: no e-mail." };
        var smtpPort = new Option<int>("--smtp-port") { Description = "With --smtp-host: its port.", DefaultValueFactory = _ => 25 };
        var smtpFrom = new Option<string?>("--smtp-from") { Description = "With --smtp-host: the sender address, e.g. tracker@fleet.example." };
        var policy = new Option<string>("--report-policy") { Description = "Cars' report policy: live (a record a second while moving), device (the firmware default) or a file of report.* lines.", DefaultValueFactory = _ => "live" };
        var store = new Option<string>("--store") { Description = "sqlite (default) or dynamodb.", DefaultValueFactory = _ => "sqlite" };
        var dynamoUrl = new Option<string?>("--dynamodb-url") { Description = "DynamoDB endpoint with --store dynamodb, e.g. http://127.0.0.1:8000 (dynalite)." };
        var webRoot = new Option<string?>("--web-root") { Description = "Folder of the built web app (default: cloud/Tracker.Cloud.Web/dist)." };
        var duration = new Option<string?>("--duration") { Description = "Stop by itself after this long, e.g. 90s, 10m (default: run until Ctrl+C)." };
        var progress = new Option<string>("--progress") { Description = "How often the console prints progress, e.g. 5s; 0 for never.", DefaultValueFactory = _ => "5s" };
        var drain = new Option<string>("--drain-timeout") { Description = "How long Ctrl+C waits for the cars to empty their logs.", DefaultValueFactory = _ => "30s" };
        var json = new Option<bool>("--json-logs") { Description = "Structured logs as JSON lines instead of readable lines." };
        var auth = new Option<string>("--auth") { Description = "local: the dev logins (default). oidc: sign in at an OpenID Connect provider in Cognito's place, browsers authorized as IoT Core's custom authorizer does.", DefaultValueFactory = _ => "local" };
        var oidcIssuer = new Option<string?>("--oidc-issuer") { Description = "With --auth oidc: the provider's issuer URL (keys at {issuer}/.well-known/jwks.json)." };
        var oidcClient = new Option<string?>("--oidc-client-id") { Description = "With --auth oidc: the web app's client id at the provider." };
        var oidcSignIn = new Option<string?>("--oidc-sign-in-url") { Description = "With --auth oidc: the hosted sign-in's base URL (/oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout); default: the issuer." };

        var connectTimeout = new Option<string>("--connect-timeout") { Description = "Time a new connection has to finish its TLS handshake and MQTT CONNECT (and an HTTP client its headers); it is closed after.", DefaultValueFactory = _ => "10s" };
        var maxPending = new Option<int>("--max-pending-connections") { Description = "Connections that may wait for their handshake or CONNECT at once, per listener; more are closed at once.", DefaultValueFactory = _ => Broker.BrokerLimits.DefaultMaxPendingConnections };
        var maxHttp = new Option<int>("--max-http-connections") { Description = "HTTP connections (pages, API calls, browsers' WebSockets) open at once.", DefaultValueFactory = _ => Broker.BrokerLimits.DefaultMaxHttpConnections };

        var tiles = new Option<string>("--tile-url") { Description = "The web map's online tile layer, a URL template with {z} {x} {y} (and {s}), offered when the browser can reach it; 'none' for the offline map alone.", DefaultValueFactory = _ => LocalOptions.OpenStreetMapTiles };
        var tileAttribution = new Option<string?>("--tile-attribution") { Description = "The attribution the tile layer's owner asks for (default: OpenStreetMap's for its tiles, else the tile host's name)." };

        var root = new RootCommand("tracker-local: the whole fleet on one machine (broker, ingest, store, API, web map, simulated cars).")
        {
            data, bind, httpPort, mqttPort, cars, replay, seed, live, overspeed, smtpHost, smtpPort, smtpFrom, policy, store, dynamoUrl, webRoot, duration, progress, drain, json,
            tiles, tileAttribution, auth, oidcIssuer, oidcClient, oidcSignIn, connectTimeout, maxPending, maxHttp,
        };

        LocalOptions? options = null;
        string? problem = null;
        root.SetAction(r =>
        {
            try
            {
                options = new LocalOptions
                {
                    DataDirectory = Path.GetFullPath(r.GetValue(data)!),
                    BindAddress = ParseAddress(r.GetValue(bind)!),
                    HttpPort = r.GetValue(httpPort),
                    MqttPort = r.GetValue(mqttPort),
                    Cars = r.GetValue(cars),
                    ReplayPath = r.GetValue(replay) is { } path ? Path.GetFullPath(path) : null,
                    Seed = r.GetValue(seed),
                    LivePeriodMs = (int)ParseDuration("--live-period", r.GetValue(live)!).TotalMilliseconds,
                    OverspeedKmh = r.GetValue(overspeed),
                    SmtpHost = r.GetValue(smtpHost),
                    SmtpPort = r.GetValue(smtpPort),
                    SmtpFrom = r.GetValue(smtpFrom),
                    ReportPolicy = r.GetValue(policy)!,
                    Store = ParseStore(r.GetValue(store)!),
                    DynamoDbUrl = r.GetValue(dynamoUrl) is { } url ? ParseUrl("--dynamodb-url", url) : null,
                    WebRoot = r.GetValue(webRoot) is { } web ? Path.GetFullPath(web) : null,
                    Duration = r.GetValue(duration) is { } d ? ParseDuration("--duration", d) : null,
                    ProgressInterval = ParseDuration("--progress", r.GetValue(progress)!),
                    DrainTimeout = ParseDuration("--drain-timeout", r.GetValue(drain)!),
                    JsonLogs = r.GetValue(json),
                    Auth = ParseAuth(r.GetValue(auth)!),
                    OidcIssuer = r.GetValue(oidcIssuer) is { } issuer ? ParseUrl("--oidc-issuer", issuer) : null,
                    OidcClientId = r.GetValue(oidcClient),
                    OidcSignInUrl = r.GetValue(oidcSignIn) is { } signIn ? ParseUrl("--oidc-sign-in-url", signIn) : null,
                    TileUrl = r.GetValue(tiles) is { } t && !string.Equals(t, "none", StringComparison.OrdinalIgnoreCase) ? t : null,
                    TileAttribution = r.GetValue(tileAttribution),
                    ConnectTimeout = ParseDuration("--connect-timeout", r.GetValue(connectTimeout)!),
                    MaxPendingConnections = r.GetValue(maxPending),
                    MaxHttpConnections = r.GetValue(maxHttp),
                };
                options.Validate();
            }
            catch (LocalOptionsException e)
            {
                problem = e.Message;
                options = null;
            }
        });

        // No "@file" response files: an argument starting with @ is a value, never a path to read.
        ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        int code = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        if (code != 0 || parsed.Errors.Count > 0)
        {
            return UsageError;
        }

        if (problem is not null)
        {
            error.WriteLine("tracker-local: " + problem);
            error.WriteLine("Run with --help to see every option.");
            return UsageError;
        }

        // --help and --version print and leave no options behind.
        return options is null ? 0 : run(options);
    }

    /// <summary>Reads a duration: digits with a unit (ms, s, m, h), or 0.</summary>
    /// <param name="option">The option's name, for the message.</param>
    /// <param name="text">The text.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="LocalOptionsException">Not a duration.</exception>
    public static TimeSpan ParseDuration(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t == "0")
        {
            return TimeSpan.Zero;
        }

        (string digits, double unitMs) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 1.0),
            _ when t.EndsWith('s') => (t[..^1], 1000.0),
            _ when t.EndsWith('m') => (t[..^1], 60_000.0),
            _ when t.EndsWith('h') => (t[..^1], 3_600_000.0),
            _ => (string.Empty, 0.0),
        };
        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            throw new LocalOptionsException(option, "must be a whole number with a unit (ms, s, m or h), like 90s; not '" + Clip(text) + "'");
        }

        return TimeSpan.FromMilliseconds(n * unitMs);
    }

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out IPAddress? address)
            ? address
            : throw new LocalOptionsException("--bind", "must be an IP address like 127.0.0.1, not '" + Clip(text) + "'");

    private static StoreKind ParseStore(string text) => text switch
    {
        "sqlite" => StoreKind.Sqlite,
        "dynamodb" => StoreKind.DynamoDb,
        _ => throw new LocalOptionsException("--store", "must be sqlite or dynamodb, not '" + Clip(text) + "'"),
    };

    private static Uri ParseUrl(string option, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new LocalOptionsException(option, "must be an http or https URL, not '" + Clip(text) + "'");

    private static AuthMode ParseAuth(string text) => text switch
    {
        "local" => AuthMode.Local,
        "oidc" => AuthMode.Oidc,
        _ => throw new LocalOptionsException("--auth", "must be local or oidc, not '" + Clip(text) + "'"),
    };

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
