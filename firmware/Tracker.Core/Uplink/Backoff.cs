namespace Tracker.Core.Uplink
{
    /// <summary>
    /// Exponential backoff with "equal jitter" for reconnecting (Marc Brooker, "Exponential Backoff
    /// And Jitter", AWS Architecture Blog, 2015): attempt n waits a random time in
    /// [w/2, w] where w = min(cap, base × 2^n). The jitter spreads a fleet that lost its broker at
    /// the same moment; the half-window floor keeps one modem from retrying a failing handshake in a
    /// tight loop (each TLS handshake costs several kilobytes of cellular data).
    /// </summary>
    /// <remarks>
    /// The random numbers come from a xorshift32 generator (Marsaglia, "Xorshift RNGs", 2003) seeded
    /// by the caller, so tests are repeatable; a device seeds it with something that differs between
    /// cars (its MAC address or car id hash, mixed with the boot time). Allocates nothing.
    /// </remarks>
    public sealed class Backoff
    {
        private const int MaxShift = 30;
        private readonly long _baseMs;
        private readonly long _capMs;
        private uint _state;

        /// <summary>Creates the policy.</summary>
        /// <param name="baseMs">The first window, at least 1 ms.</param>
        /// <param name="capMs">The largest window, at least <paramref name="baseMs"/>.</param>
        /// <param name="seed">Seed of the jitter (0 is replaced by a fixed non-zero value).</param>
        public Backoff(long baseMs, long capMs, uint seed)
        {
            if (baseMs < 1)
            {
                throw new System.ArgumentOutOfRangeException(nameof(baseMs));
            }

            if (capMs < baseMs || capMs > uint.MaxValue)
            {
                throw new System.ArgumentOutOfRangeException(nameof(capMs));
            }

            _baseMs = baseMs;
            _capMs = capMs;
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        /// <summary>The window for attempt <paramref name="attempt"/>: min(cap, base × 2^attempt).</summary>
        /// <param name="attempt">0 for the first retry after a good connection.</param>
        /// <returns>The window in ms.</returns>
        public long WindowMs(int attempt)
        {
            int shift = attempt < 0 ? 0 : (attempt > MaxShift ? MaxShift : attempt);
            long window = _baseMs << shift;
            return window > _capMs || window < _baseMs ? _capMs : window;
        }

        /// <summary>The wait before attempt <paramref name="attempt"/>: uniform in [window/2, window].</summary>
        /// <param name="attempt">0 for the first retry after a good connection.</param>
        /// <returns>The delay in ms.</returns>
        public long NextDelayMs(int attempt)
        {
            long window = WindowMs(attempt);
            long half = window / 2;
            return half + Uniform((ulong)(window - half + 1));
        }

        // Uniform in [0, n) for n up to 2^32 (Lemire's multiply-shift, without the rejection step:
        // its bias of at most n / 2^32 is irrelevant for a retry delay).
        private long Uniform(ulong n)
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return (long)(((ulong)x * n) >> 32);
        }
    }
}
