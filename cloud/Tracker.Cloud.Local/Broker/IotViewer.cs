using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// A browser's MQTT session let in by <see cref="LocalCustomAuthorizer"/>: the token it connected with, the policy the
/// live authorizer returned for it (replaced at each refresh), and the two timers IoT Core keeps for a custom-authorized
/// connection: re-run the authorizer every <c>refreshAfterInSeconds</c>, close after <c>disconnectAfterInSeconds</c>.
/// </summary>
public sealed class IotViewer : IDisposable
{
    private readonly object _gate = new();
    private ITimer? _refresh;
    private ITimer? _disconnect;
    private IotPolicy _policy;
    private bool _disposed;

    /// <summary>Creates the session.</summary>
    /// <param name="clientId">The MQTT client id.</param>
    /// <param name="token">The token it connected with (IoT Core re-runs the authorizer with the same one).</param>
    /// <param name="decision">The authorizer's answer.</param>
    /// <param name="policy">Its policy documents, read.</param>
    public IotViewer(string clientId, string token, LiveAuthorization decision, IotPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(policy);
        ClientId = clientId;
        Token = token;
        Decision = decision;
        _policy = policy;
    }

    /// <summary>The MQTT client id.</summary>
    public string ClientId { get; }

    /// <summary>The token the connection was authorized with.</summary>
    public string Token { get; }

    /// <summary>The latest answer of the authorizer.</summary>
    public LiveAuthorization Decision { get; private set; }

    /// <summary>The policy in force.</summary>
    public IotPolicy Policy
    {
        get
        {
            lock (_gate)
            {
                return _policy;
            }
        }
    }

    /// <summary>Starts the two timers.</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="refresh">Runs at each refresh.</param>
    /// <param name="disconnect">Runs once, when the connection must end.</param>
    public void Start(TimeProvider clock, Func<IotViewer, Task> refresh, Func<IotViewer, Task> disconnect)
    {
        ArgumentNullException.ThrowIfNull(clock);
        TimeSpan every = TimeSpan.FromSeconds(Decision.RefreshAfterSeconds);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _refresh = clock.CreateTimer(_ => _ = refresh(this), null, every, every);
            _disconnect = clock.CreateTimer(_ => _ = disconnect(this), null, TimeSpan.FromSeconds(Decision.DisconnectAfterSeconds), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Takes a refresh's answer: its policy replaces the old one. The connection's end stays where it was.</summary>
    /// <param name="decision">The new answer (allowed).</param>
    /// <param name="policy">Its policy.</param>
    public void Refreshed(LiveAuthorization decision, IotPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate)
        {
            Decision = decision;
            _policy = policy;
        }
    }

    /// <summary>Stops the timers (the session ended).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _refresh?.Dispose();
            _disconnect?.Dispose();
            _policy = IotPolicy.Empty;
        }
    }
}
