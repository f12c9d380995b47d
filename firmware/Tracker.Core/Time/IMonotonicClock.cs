namespace Tracker.Core.Time
{
    /// <summary>
    /// Milliseconds that only move forward, for command timeouts and the PWRKEY pulse. On the device
    /// it is <c>Environment.TickCount64</c> (nanoFramework.Runtime.Native) and <c>Thread.Sleep</c>;
    /// in tests it is a virtual clock, so no test sleeps.
    /// </summary>
    public interface IMonotonicClock
    {
        /// <summary>Milliseconds since an arbitrary origin; never decreases.</summary>
        long NowMs { get; }

        /// <summary>Blocks for <paramref name="ms"/> milliseconds (a virtual clock just advances).</summary>
        /// <param name="ms">Duration, 0 or more.</param>
        void Sleep(int ms);
    }
}
