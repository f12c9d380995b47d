using System.Collections.Concurrent;

namespace Tracker.Cloud.Local.Fleet;

/// <summary>One connection attempt of a simulated car, as its link saw it.</summary>
/// <param name="CarId">The car.</param>
/// <param name="StartedMs">When the car called Connect, UTC ms since 1970.</param>
/// <param name="Milliseconds">How long Connect took (TCP, TLS, CONNECT and the CONNACK, or the failure).</param>
/// <param name="Ok">True when the broker accepted the connection.</param>
public readonly record struct ConnectAttempt(string CarId, long StartedMs, double Milliseconds, bool Ok);

/// <summary>
/// Every connection attempt the simulated cars made, from the cars' side: a load process reads the connect and
/// reconnect storms from it (how long each connect took, which failed, when each car got back in), where the host's
/// gauge only says how many are in. Thread-safe; an attempt costs one small record (a car makes a few in a run).
/// </summary>
public sealed class ConnectLog
{
    private readonly ConcurrentQueue<ConnectAttempt> _attempts = new();

    /// <summary>Notes an attempt.</summary>
    /// <param name="attempt">The attempt.</param>
    public void Record(ConnectAttempt attempt) => _attempts.Enqueue(attempt);

    /// <summary>The attempts started at or after <paramref name="utcMs"/>, in the order they ended.</summary>
    /// <param name="utcMs">UTC ms since 1970.</param>
    /// <returns>The attempts.</returns>
    public IReadOnlyList<ConnectAttempt> Since(long utcMs) => [.. _attempts.Where(a => a.StartedMs >= utcMs)];
}
