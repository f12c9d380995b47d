using System.Collections.Concurrent;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// Rate limits sign-in (issue 15, F8), per user and per client address, so that guessing a password takes years while
/// nobody can lock the operator out for good:
/// <list type="bullet">
/// <item>per address: at most <see cref="AttemptsPerAddressPerMinute"/> attempts a minute (right or wrong; each costs a
/// slow hash), refilled steadily;</item>
/// <item>per user: after <see cref="FreeFailures"/> failures in a row, each further attempt must wait a delay that doubles
/// from 1 s up to <see cref="MaxLockout"/>, then stays there. A success clears it. The lock is never longer than that, so
/// an attacker who keeps failing only slows the real user's next sign-in by at most <see cref="MaxLockout"/>.</item>
/// </list>
/// While a user is locked even the right password is refused (429), so a lock cannot be probed for the password.
/// </summary>
public sealed class LoginThrottle
{
    /// <summary>Attempts an address may make a minute.</summary>
    public const int AttemptsPerAddressPerMinute = 20;

    /// <summary>Wrong passwords in a row before a user's attempts are spaced out.</summary>
    public const int FreeFailures = 5;

    /// <summary>The longest a user is locked after a failure.</summary>
    public static readonly TimeSpan MaxLockout = TimeSpan.FromSeconds(60);

    private const int MaxTracked = 100_000;
    private readonly ConcurrentDictionary<string, Bucket> _addresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    /// <summary>Creates the throttle.</summary>
    /// <param name="clock">The clock.</param>
    public LoginThrottle(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>May this attempt go ahead? Counts it against the address.</summary>
    /// <param name="user">The user named (any text; only known users are tracked per user).</param>
    /// <param name="address">The client's address.</param>
    /// <param name="known">True when the user exists (unknown names are limited per address only).</param>
    /// <param name="retryAfter">When refused, how long to wait.</param>
    /// <returns>True to check the password.</returns>
    public bool TryBegin(string user, string address, bool known, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(address);
        DateTimeOffset now = _clock.GetUtcNow();
        if (_addresses.Count > MaxTracked)
        {
            _addresses.Clear(); // bounded memory under a flood of addresses; the per-user limit still holds
        }

        Bucket bucket = _addresses.GetOrAdd(address, _ => new Bucket(AttemptsPerAddressPerMinute, now));
        if (known && _users.TryGetValue(user, out UserState? state) && state.LockedUntil(now) is { } until)
        {
            retryAfter = until - now;
            return false;
        }

        if (!bucket.TryTake(now, out retryAfter))
        {
            return false;
        }

        return true;
    }

    /// <summary>Records the outcome of a checked attempt.</summary>
    /// <param name="user">The user.</param>
    /// <param name="known">True when the user exists.</param>
    /// <param name="succeeded">True for the right password.</param>
    public void End(string user, bool known, bool succeeded)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!known)
        {
            return;
        }

        if (succeeded)
        {
            _users.TryRemove(user, out _);
            return;
        }

        _users.GetOrAdd(user, _ => new UserState()).Failed(_clock.GetUtcNow());
    }

    private sealed class Bucket(int capacity, DateTimeOffset start)
    {
        private readonly Lock _gate = new();
        private double _tokens = capacity;
        private DateTimeOffset _last = start;

        public bool TryTake(DateTimeOffset now, out TimeSpan retryAfter)
        {
            lock (_gate)
            {
                double perSecond = capacity / 60.0;
                _tokens = Math.Min(capacity, _tokens + Math.Max(0, (now - _last).TotalSeconds) * perSecond);
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds(Math.Ceiling((1 - _tokens) / perSecond));
                return false;
            }
        }
    }

    private sealed class UserState
    {
        private readonly Lock _gate = new();
        private int _failures;
        private DateTimeOffset _until;

        public DateTimeOffset? LockedUntil(DateTimeOffset now)
        {
            lock (_gate)
            {
                return now < _until ? _until : null;
            }
        }

        public void Failed(DateTimeOffset now)
        {
            lock (_gate)
            {
                _failures++;
                if (_failures > FreeFailures)
                {
                    int doublings = Math.Min(_failures - FreeFailures - 1, 6);
                    TimeSpan delay = TimeSpan.FromSeconds(Math.Min(MaxLockout.TotalSeconds, 1 << doublings));
                    _until = now + delay;
                }
            }
        }
    }
}
