using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using MQTTnet.AspNetCore;
using MQTTnet.Server;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Console;
using Tracker.Cloud.Local.Derive;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Http;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Jobs;
using Tracker.Cloud.Local.Shadow;
using Tracker.Cloud.Local.Updates;
using Tracker.Cloud.Local.Ingest;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Options;
using Tracker.Cloud.Sqlite;
using Tracker.Simulation.Map;
using Tracker.Simulation.Routes;

namespace Tracker.Cloud.Local;

/// <summary>
/// The whole local fleet in one process (DESIGN.md, "The local stack"): PKI and logins in the data folder, the store,
/// the embedded MQTT broker (mutual TLS for cars, WebSocket at <c>/mqtt</c> for browsers), the ingest pipeline, the
/// Lambda's REST routes, the web app, <c>/health</c>, <c>/metrics</c>, and the simulated fleet. Tests start it in
/// process with free ports; <c>Program</c> starts it from the command line.
/// </summary>
public sealed partial class LocalFleetHost : IAsyncDisposable
{
    // The content root is the data folder, which SQLite's WAL writes change many times a second: with the default reload
    // of appsettings.json on change, a file watcher woke on every one of them (11 % of the host's CPU at 2,000 cars, perf).
    // The host reads no appsettings.json.
    private const string NoConfigWatch = "--hostBuilder:reloadConfigOnChange=false";

    private readonly WebApplication _app;
    private readonly IDisposable? _storeLifetime;
    private readonly ILogger _log;
    private readonly LocalOptions _options;
    private int _stopped;

    private LocalFleetHost(LocalOptions options, WebApplication app, LocalPki pki, LocalUsers users, IFixStore store, IRentalStore rentals, HostMetrics metrics, PublishTimes published, int mqttPort, Uri httpUrl, string? webRoot, IDisposable? storeLifetime)
    {
        _options = options;
        _app = app;
        Pki = pki;
        Users = users;
        Store = store;
        Rentals = rentals;
        Metrics = metrics;
        Published = published;
        MqttPort = mqttPort;
        HttpUrl = httpUrl;
        WebRoot = webRoot;
        _storeLifetime = storeLifetime;
        _log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LocalFleetHost>();
    }

    /// <summary>The web app, the API, <c>/health</c> and <c>/metrics</c>; the WebSocket broker is at <c>/mqtt</c> under it.</summary>
    public Uri HttpUrl { get; }

    /// <summary>The broker's mutual-TLS port for cars.</summary>
    public int MqttPort { get; }

    /// <summary>The certificates (fleet CA, endpoint CA, server certificate, the cars' bundles).</summary>
    public LocalPki Pki { get; }

    /// <summary>The local logins and the token issuer.</summary>
    public LocalUsers Users { get; }

    /// <summary>The fixes store.</summary>
    public IFixStore Store { get; }

    /// <summary>The rentals store.</summary>
    public IRentalStore Rentals { get; }

    /// <summary>The counters behind <c>/metrics</c>.</summary>
    public HostMetrics Metrics { get; }

    /// <summary>The simulated cars' publish times.</summary>
    public PublishTimes Published { get; }

    /// <summary>The broker's rules (tests drop the browsers' connections through it, as a network or IoT Core would).</summary>
    public EmbeddedBroker Broker => _app.Services.GetRequiredService<EmbeddedBroker>();

    /// <summary>The cars' device shadows, as IoT Core keeps them (the API's config changes go through it).</summary>
    public ShadowService Shadows => _app.Services.GetRequiredService<ShadowService>();

    /// <summary>Over-the-air updates: IoT Jobs on the broker, the uploaded images, their HTTPS server and the rollouts.</summary>
    public LocalUpdates Updates { get; private init; } = null!;

    /// <summary>The simulated fleet, or null when none runs.</summary>
    public SimulatedFleet? Fleet { get; private set; }

    /// <summary>The host's services (logging, the broker).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The web app's folder, or null when it has not been built.</summary>
    public string? WebRoot { get; }

    /// <summary>Starts everything; returns once the broker and HTTP listen and the fleet has started.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="configureLogging">Adds log providers (the console's, or a test's).</param>
    /// <param name="kdfIterations">PBKDF2 iterations protecting a new fleet CA's key (tests lower it).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="progress">Where the start reports each step (the console); null for none.</param>
    /// <param name="clock">"Now" for the host's stages (ingest, Derive's clock, tokens); null for the system's (tests move it on).</param>
    /// <param name="ingestStore">Wraps the store that ingest appends to (a test slows it down to drive the host past saturation); null for the store itself.</param>
    /// <returns>The running host.</returns>
    /// <exception cref="HostStartException">A port is taken; the message names it and the option that moves it.</exception>
    public static async Task<LocalFleetHost> StartAsync(LocalOptions options, Action<ILoggingBuilder> configureLogging, int kdfIterations = 600_000, CancellationToken cancellationToken = default, StartupProgress? progress = null, TimeProvider? clock = null, Func<IFixStore, IFixStore>? ingestStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configureLogging);
        options.Validate();
        progress ??= StartupProgress.Silent;

        // Before anything is opened: a taken port is the commonest failure of a second start beside a first.
        EnsurePortFree(options.BindAddress, options.HttpPort, "--http-port", "the web app and API");
        EnsurePortFree(options.BindAddress, options.MqttPort, "--mqtt-port", "the cars' MQTT");
        PrivateFiles.EnsureFolder(options.DataDirectory);
        PrivateFiles.EnsureFolder(Path.Combine(options.DataDirectory, "flash"));
        clock ??= TimeProvider.System;

        string pkiDirectory = Path.Combine(options.DataDirectory, "pki");
        bool newPki = !Directory.Exists(Path.Combine(pkiDirectory, "fleet-ca"));
        progress.Begin(newPki ? "creating the fleet CA and the broker's certificates (first run)" : "opening the fleet CA and the broker's certificates");
        PrivateFiles.EnsureFolder(pkiDirectory);
        var pki = LocalPki.OpenOrCreate(pkiDirectory, options.BindAddress, kdfIterations);
        progress.Done();
        progress.Begin(options.Store == StoreKind.Sqlite ? "opening the store (SQLite, " + Path.Combine(options.DataDirectory, "tracker.db") + ")" : "opening the store (DynamoDB at " + options.DynamoDbUrl + ")");
        (IFixStore store, IRentalStore storedRentals, IDisposable? lifetime) = await OpenStoreAsync(options, clock, cancellationToken).ConfigureAwait(false);
        var rentals = new NotifyingRentalStore(storedRentals);
        LocalUsers users;
        try
        {
            users = LocalUsers.OpenOrCreate(options.DataDirectory, clock, kdfIterations);
        }
        catch (InvalidDataException e)
        {
            lifetime?.Dispose();
            pki.Dispose();
            throw new HostStartException(e.Message, e);
        }

        await users.SeedRentalsAsync(rentals, clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        progress.Done();

        int mqttPort = options.MqttPort == 0 ? FreePort(options.BindAddress) : options.MqttPort;
        string? webRoot = FindWebRoot(options);
        TileLayer? tiles = TileLayer.From(options.TileUrl, options.TileAttribution);
        // What moving, stopped, offline and filtered mean: one set of rules for ingest, the API and the browser.
        CarRules rules = CarRules.Default;
        string webConfig = WebAppConfig.Build(webRoot, tiles, options, rules);

        // The generated town the cars drive in, and its map for the browser (the same polylines); none when they replay a log.
        RoadNetwork? town = options.ReplayPath is null ? SimulatedFleet.Town(options.Seed) : null;
        byte[]? townMap = town is null ? null : TownMap.ToGeoJson(town);
        var metrics = new HostMetrics(clock) { StoreGroups = (store as SqliteStore)?.Groups };
        var published = new PublishTimes();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [NoConfigWatch], ContentRootPath = options.DataDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        // "Hosting failed to start" with Kestrel's stack: the exception reaches the caller, which says what to do.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        configureLogging(builder.Logging);
        // Both listeners are Kestrel's, bound to exactly the address given (MQTTnet's own TCP listener also opened
        // [::] beside an IPv4 bind, had no handshake deadline and no cap): the guard closes a connection that has not
        // finished its TLS handshake and CONNECT in time, and caps how many may wait at once.
        builder.WebHost.ConfigureKestrel(k =>
        {
            ConnectionGuard guard = k.ApplicationServices.GetRequiredService<ConnectionGuard>();
            k.AddServerHeader = false;
            k.Limits.RequestHeadersTimeout = options.ConnectTimeout;

            // Kestrel times a connection that has sent nothing yet by its keep-alive timeout (130 s by default).
            k.Limits.KeepAliveTimeout = options.ConnectTimeout * 3;
            k.Listen(options.BindAddress, options.HttpPort, l => l.Use(guard.GuardHttp));
            k.Listen(options.BindAddress, mqttPort, l =>
            {
                l.Use(guard.GuardCars);
                l.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.ServerCertificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => k.ApplicationServices.GetRequiredService<EmbeddedBroker>().ValidateClientCertificate(certificate),
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    HandshakeTimeout = options.ConnectTimeout,
                    CheckCertificateRevocation = false,
                });
                l.Use(TlsBufferRelease.Middleware); // OpenSSL's record buffers only while a record passes (README, "Memory a car")
                l.UseConnectionHandler<LimitedMqttConnectionHandler>();
            });
        });

        OidcTokens? oidc = options.Auth == AuthMode.Oidc ? new OidcTokens(options.OidcIssuer!, options.OidcClientId!, clock) : null;
        IApiTokens apiTokens = oidc is null ? new DevApiTokens(users.Tokens) : oidc;
        var ingest = new IngestService(ingestStore is null ? store : ingestStore(store), rules.Ingest, clock);
        LocalDerive derive = await LocalDerive.OpenAsync(store, rentals, lifetime as Amazon.DynamoDBv2.IAmazonDynamoDB, DeriveOptions.Default, FleetSpeedLimits(options), clock, cancellationToken,
            options.SmtpHost is { } smtp ? new Tracker.Cloud.Notify.Channels.EmailSender(smtp, options.SmtpPort, options.SmtpFrom!) : null).ConfigureAwait(false);
        var api = new ApiHandler(new QueryService(store, new AccessPolicy(rentals, clock)), clock, rules, new EventsApi(derive.Queries, derive.Subscriptions) { Limits = derive.Limits })
        {
            // Trip ends are named by the town's streets, read from the very map the browser draws; a replayed drive has no town: coordinates.
            Reports = derive.Reports is null ? null : new ReportsApi(derive.Reports, townMap is null ? null : Tracker.Cloud.Derive.Reports.Places.StreetLabeller.FromGeoJson(townMap)),
            Odometers = derive.States as Tracker.Cloud.Derive.Storage.ICarOdometers,
        };
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(pki);
        builder.Services.AddSingleton(users);
        builder.Services.AddSingleton<IRentalStore>(rentals);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(published);
        builder.Services.AddSingleton(ingest);
        builder.Services.AddSingleton(s => derive.Gate(store, clock, s.GetRequiredService<ILogger<DeriveGate>>()));
        builder.Services.AddSingleton<IngestGate>();
        if (oidc is not null)
        {
            builder.Services.AddSingleton(new LocalCustomAuthorizer(new LiveAuthorizer(
                oidc.Validator, oidc.Keys, rentals, new LiveAuthorizerOptions { IotResourcePrefix = LocalCustomAuthorizer.ResourcePrefix }, clock)));
        }

        builder.Services.AddSingleton(s => new ConnectionGuard(options.ConnectTimeout, options.MaxPendingConnections, options.MaxHttpConnections, metrics, s.GetRequiredService<ILogger<ConnectionGuard>>()));
        builder.Services.AddSingleton(new ShadowService(clock));
        builder.Services.AddSingleton(new CarGroups());
        builder.Services.AddSingleton(new JobsService(clock));
        builder.Services.AddSingleton(new ImageLibrary(Path.Combine(options.DataDirectory, "updates", "images"), () => Tracker.Provisioning.Pki.CodeSigning.ReadPublicKey(pki.FleetCa.Directory)));
        builder.Services.AddSingleton<EmbeddedBroker>();
        builder.Services.AddSingleton<LimitedMqttConnectionHandler>();
        builder.Services.AddRouting();
        builder.Services.AddConnections();
        builder.Services.AddHostedMqttServerWithServices(b => b.WithoutDefaultEndpoint()
            .WithDefaultCommunicationTimeout(options.ConnectTimeout) // also MQTTnet's own wait for the first packet, CONNECT
            .WithMaxPendingMessagesPerClient(BrokerLimits.MaxQueuedMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage));
        builder.Services.AddMqttConnectionHandler();

        WebApplication app = builder.Build();
        app.UseWebSockets();
        string csp = ContentSecurityPolicy(options, tiles);
        app.Use((context, next) =>
        {
            SecurityHeaders(context, csp);
            return next();
        });
        // Before the static files: dist/config.json holds the build's defaults only.
        app.Use((context, next) => HttpMethods.IsGet(context.Request.Method) && context.Request.Path == WebAppConfig.Path
            ? WebAppConfig.WriteAsync(context, webConfig)
            : next());
        if (webRoot is not null)
        {
            var files = new PhysicalFileProvider(webRoot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
            types.Mappings[".geojson"] = "application/geo+json"; // the offline basemap (RFC 7946 §12); unknown types are not served
            types.Mappings[".mjs"] = "text/javascript";
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types, OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache" });
        }
        else
        {
            app.MapGet("/", () => Results.Text("The web app is not built: run 'npm ci && npm run build' in cloud/Tracker.Cloud.Web (the build of this project does it unless TRACKER_SKIP_WEB_BUILD=1).", "text/plain", statusCode: 503));
        }

        app.UseRouting();
        if (app.Services.GetService<LocalCustomAuthorizer>() is { } custom)
        {
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/mqtt", StringComparison.Ordinal), b => b.Use(custom.CaptureUpgradeAsync));
        }

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/mqtt", StringComparison.Ordinal), b => b.Use(app.Services.GetRequiredService<ConnectionGuard>().GuardWebSocketAsync));
        app.MapConnectionHandler<LimitedMqttConnectionHandler>("/mqtt", o => o.WebSockets.SubProtocolSelector = MqttSubProtocolSelector.SelectSubProtocol);
        EmbeddedBroker brokerRules = app.Services.GetRequiredService<EmbeddedBroker>();
        app.UseMqttServer(brokerRules.Attach);
        DeriveGate liveEvents = app.Services.GetRequiredService<DeriveGate>();
        liveEvents.Committed = brokerRules.EventCommittedAsync; // the live event feed, operators only (fleet/{car}/events)
        liveEvents.Withdrawn = brokerRules.EventWithdrawnAsync;
        LocalFleetHost? host = null;
        ConfigEndpoints.Map(app, apiTokens, app.Services.GetRequiredService<ShadowService>(), brokerRules, pki, app.Services.GetRequiredService<CarGroups>());
        LocalUpdates updates = LocalUpdates.Create(app.Services.GetRequiredService<JobsService>(), app.Services.GetRequiredService<ImageLibrary>(), brokerRules, clock);
        RolloutEndpoints.Map(app, apiTokens, updates.Images, updates.Rollouts, app.Services.GetRequiredService<CarGroups>(), pki);
        await updates.StartAsync(pki, clock).ConfigureAwait(false);
        LocalEndpoints.Map(app, api, options.Auth == AuthMode.Local ? users : null, apiTokens, metrics, townMap, ct => host is null
            ? Task.FromResult(new HealthReport("starting", new Dictionary<string, string>(), 0, 0, 0))
            : host.CheckHealthAsync(ct));

        progress.Begin("starting the broker, the API and the web app");
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
        {
            // Taken between the check above and now.
            await updates.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            lifetime?.Dispose();
            pki.Dispose();
            throw new HostStartException(PortTakenMessage(options.BindAddress, options.HttpPort, "--http-port", "the web app and API"), e);
        }

        progress.Done();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var httpUrl = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        host = new LocalFleetHost(options, app, pki, users, store, rentals, metrics, published, mqttPort, httpUrl, webRoot, oidc is null ? lifetime : Combine(lifetime, oidc)) { Updates = updates };
        app.Services.GetRequiredService<DeriveGate>().StartTicks();
        await app.Services.GetRequiredService<DeriveGate>().StartFeedAsync(cancellationToken).ConfigureAwait(false);

        if (options.Cars > 0)
        {
            FleetPolicies.TryLoad(options.ReportPolicy, out Tracker.Core.Reporting.ReportConfig? policy, out _);
            var settings = new FleetSettings(options.Cars, Path.Combine(options.DataDirectory, "flash"), options.ReplayPath, options.Seed, options.LivePeriodMs, policy!, town);
            int missing = Enumerable.Range(1, options.Cars).Count(i => !File.Exists(Path.Combine(pki.BundlesDirectory, CarIds.Of(i), Tracker.Provisioning.Bundles.BundleFiles.Identity)));
            progress.Begin(missing == 0
                ? "starting " + options.Cars + " simulated cars (identities from an earlier run)"
                : "provisioning " + missing + " of " + options.Cars + " simulated cars with the provisioning tool");
            host.Fleet = SimulatedFleet.Start(settings, pki, mqttPort, published, clock, app.Services.GetRequiredService<ILogger<SimulatedFleet>>(), missing == 0 ? null : progress.Count);
            progress.Done();
            SimulatedFleet fleet = host.Fleet;
            metrics.FleetPending = () => fleet.PendingFixes;
            metrics.FleetCars = () => fleet.Cars.Count;
        }

        return host;
    }

    /// <summary>
    /// Stops cleanly, losing nothing: the cars stop driving and drain their logs (every fix acknowledged, which the
    /// broker does only once it is stored), then disconnect; then the broker and HTTP stop, then the store closes.
    /// </summary>
    /// <returns>What the cars kept in their flash logs (nothing, unless some were in a dead zone or the drain timed out; it goes out on the next run).</returns>
    public async Task<FleetStopReport> StopAsync()
    {
        var left = new FleetStopReport(0, 0, 0, 0, string.Empty);
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return left;
        }

        if (Fleet is { } fleet)
        {
            var drain = Stopwatch.StartNew();
            left = await Task.Run(() => fleet.Stop(_options.DrainTimeout)).ConfigureAwait(false);
            if (left.PendingFixes == 0)
            {
                LogDrained(drain.ElapsedMilliseconds);
            }
            else
            {
                LogDrainedWithFixesLeft(drain.ElapsedMilliseconds, left.PendingFixes, left.CarsInDeadZones, left.HoldersByState);
            }
        }

        // Derive stops first, while the thread pool is free: its workers finish the step each is in and leave the rest in
        // the change feed for the next start (a fix stored after this is derived then). Stopped after the MQTT server, as
        // it was, its workers' last steps queued behind the teardown of every car connection: 22.3 s of a 26.6 s stop
        // with 10,000 cars (session 11).
        // Then the connections go, before the app stops. Kestrel's stop waits for every open connection to end, up to the
        // host's 30 s shutdown timeout, and the cars' and browsers' MQTT connections (a load process's cars, when the
        // host has none of its own) end only when the MQTT server stops, which the app stopped after Kestrel: Ctrl+C
        // took 32 s with 300 cars connected. What a closed connection was storing still commits (GroupCommit) and is
        // counted; what was waiting for ingest is not acknowledged, so its car keeps it and sends it again.
        // Each phase is timed and logged, so a slow stop says where it waited.
        var phase = Stopwatch.StartNew();
        long connections = Metrics.DevicesConnected;
        await _app.Services.GetRequiredService<DeriveGate>().DisposeAsync().ConfigureAwait(false);
        long deriveMs = phase.ElapsedMilliseconds;
        if (_app.Services.GetService<MqttServer>() is { } mqtt)
        {
            await mqtt.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        }

        long mqttMs = phase.ElapsedMilliseconds - deriveMs;
        long waiting = Metrics.IngestWaiting;
        long storing = Metrics.IngestRunning;
        long queued = ThreadPool.PendingWorkItemCount;
        IngestGate ingest = _app.Services.GetRequiredService<IngestGate>();
        ingest.Close();
        await WhenIngestIdleAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        long ingestMs = phase.ElapsedMilliseconds - deriveMs - mqttMs;
        await Updates.DisposeAsync().ConfigureAwait(false);
        Broker.Detach();
        long updatesMs = phase.ElapsedMilliseconds - deriveMs - mqttMs - ingestMs;
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _storeLifetime?.Dispose();
        Pki.Dispose();
        LogStopPhases(deriveMs, connections, mqttMs, queued, storing, waiting, ingest.RefusedClosed, ingestMs, updatesMs, phase.ElapsedMilliseconds - deriveMs - mqttMs - ingestMs - updatesMs);
        return left;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task WhenIngestIdleAsync(TimeSpan limit)
    {
        // The messages of closed connections that hold an ingest slot finish their store and Derive calls before the
        // Derive stage and the store close under them (bounded: the store's busy timeout is the longest a write waits).
        var waited = Stopwatch.StartNew();
        while (Metrics.IngestRunning > 0 && waited.Elapsed < limit)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the Derive stage has derived every fix stored so far: it follows the store's change feed, so events,
    /// trips and stops trail ingest's acknowledgement by a step (tests wait here rather than sleep).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The task.</returns>
    public Task WhenDerivedAsync(CancellationToken cancellationToken) => _app.Services.GetRequiredService<DeriveGate>().WhenDerivedAsync(cancellationToken);

    /// <summary>Runs the health checks: the store answers, the broker runs, the web app is there.</summary>
    /// <param name="cancellationToken">Cancels the store probe.</param>
    /// <returns>The report.</returns>
    public async Task<HealthReport> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await Store.GetLatestAsync("health-probe", timeout.Token).ConfigureAwait(false);
            checks["store"] = "ok";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            checks["store"] = "failing: " + e.GetType().Name + ": " + e.Message;
        }

        checks["broker"] = _app.Services.GetService<MqttServer>() is { IsStarted: true } ? "ok" : "not running";
        checks["webApp"] = WebRoot is not null ? "ok" : "not built (run npm run build in cloud/Tracker.Cloud.Web)";
        checks["ingest"] = Metrics.IngestWaiting < 1000 ? "ok" : "backlogged: " + Metrics.IngestWaiting + " messages waiting";
        string status = checks["store"] == "ok" && checks["broker"] == "ok" && checks["ingest"] == "ok" ? "ok" : "degraded";
        return new HealthReport(status, checks, (long)Metrics.Started.Elapsed.TotalSeconds, Metrics.DevicesConnected, Math.Round(Metrics.FixRate.PerSecond(), 1));
    }

    private static async Task<(IFixStore, IRentalStore, IDisposable?)> OpenStoreAsync(LocalOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (options.Store == StoreKind.Sqlite)
        {
            SqliteStore sqlite = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(options.DataDirectory, "tracker.db"), Clock = clock, SyncEveryCommit = false, ChangeFeed = true }, cancellationToken).ConfigureAwait(false);
            return (sqlite, sqlite, null);
        }

        var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = options.DynamoDbUrl!.ToString(), AuthenticationRegion = "us-east-1" });
        var tables = new DynamoDbStoreOptions { FixesTable = "tracker-fixes", LatestTable = "tracker-latest", RentalsTable = "tracker-rentals", Clock = clock };
        await DynamoDbTables.EnsureCreatedAsync(client, tables, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var dynamo = new DynamoDbStore(client, tables);
        return (dynamo, dynamo, client);
    }

    private static string? FindWebRoot(LocalOptions options)
    {
        if (options.WebRoot is not null)
        {
            return File.Exists(Path.Combine(options.WebRoot, "index.html")) ? options.WebRoot : null;
        }

        // The repository's web app: where the build put it, else found from the binaries or the working folder.
        string? built = typeof(LocalFleetHost).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TrackerWebRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "index.html")))
        {
            return Path.GetFullPath(built);
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "cloud", "Tracker.Cloud.Web", "dist");
                if (File.Exists(Path.Combine(candidate, "index.html")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IDisposable Combine(IDisposable? first, IDisposable second) =>
        first is null ? second : new Disposables(first, second);

    private static void EnsurePortFree(IPAddress address, int port, string option, string what)
    {
        if (port == 0)
        {
            return;
        }

        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new HostStartException(PortTakenMessage(address, port, option, what) + (e.SocketErrorCode == SocketError.AccessDenied ? " (not allowed for this user)" : string.Empty), e);
        }
    }

    private static string PortTakenMessage(IPAddress address, int port, string option, string what) =>
        "port " + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + " on " + address + " (" + what + ") is taken, perhaps by another tracker-local: stop it, or choose another port with " + option + " (0 picks a free one)";

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void SecurityHeaders(HttpContext context, string csp)
    {
        IHeaderDictionary headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = csp;
    }

    // Images from this host and the tile layer's server; fetches from this host, its WebSocket and, with --auth oidc,
    // the hosted sign-in's token endpoint.
    private static SpeedLimits FleetSpeedLimits(LocalOptions options) =>
        options.OverspeedKmh is { } kmh ? new SpeedLimits { FleetMmps = (int)Math.Round(kmh * 1_000_000 / 3600.0) } : SpeedLimits.None;

    private static string ContentSecurityPolicy(LocalOptions options, TileLayer? tiles)
    {
        string tileSource = tiles is null ? string.Empty : " " + tiles.CspSource;
        string signIn = options.Auth == AuthMode.Oidc ? " " + (options.OidcSignInUrl ?? options.OidcIssuer!).GetLeftPart(UriPartial.Authority) : string.Empty;
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" + tileSource + "; connect-src 'self' ws: wss:" + signIn + "; frame-ancestors 'none'";
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (IDisposable item in items)
            {
                item.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Host stopped: Derive {DeriveMs} ms, MQTT server with {Connections} car connections {MqttMs} ms (then {Queued} work items queued for the thread pool), ingest's last messages ({Storing} storing, {Waiting} waiting, {Refused} of them refused for their cars to resend) {IngestMs} ms, updates {UpdatesMs} ms, HTTP and the store {AppMs} ms")]
    private partial void LogStopPhases(long deriveMs, long connections, long mqttMs, long queued, long storing, long waiting, long refused, long ingestMs, long updatesMs, long appMs);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Fleet stopped in {Milliseconds} ms; every car's flash log is empty")]
    private partial void LogDrained(long milliseconds);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Fleet stopped in {Milliseconds} ms; {Pending} fixes left in the cars' flash logs ({DeadZoneCars} cars in a dead zone; the cars holding them: {Holders})")]
    private partial void LogDrainedWithFixesLeft(long milliseconds, long pending, int deadZoneCars, string holders);
}
