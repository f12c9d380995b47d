namespace Tracker.Core.Control
{
    /// <summary>What <see cref="RemoteConfig.Apply"/> did with a delta.</summary>
    public enum ApplyOutcome
    {
        /// <summary>Committed to flash: live keys run now, restart keys are pending.</summary>
        Applied = 0,

        /// <summary>The delta holds no config (it is about other properties of the shadow); nothing changed.</summary>
        NoConfig = 1,

        /// <summary>Its version is not newer than the one applied (redelivered or reordered); ignored.</summary>
        Stale = 2,

        /// <summary>Not a delta the car can read (not JSON, too large, a value not a scalar); the old config runs.</summary>
        Malformed = 3,

        /// <summary>The loader's rules refuse it, or it names a key only provisioning may set; the old config runs.</summary>
        Refused = 4,

        /// <summary>Valid, but the flash write failed; the old config runs (the next delta or restart retries).</summary>
        StorageFailed = 5,

        /// <summary>
        /// The change the standing refusal is about, asked again (IoT Core re-sends the delta after every
        /// accepted update, the car's own report of the refusal included): still refused, and not
        /// reported again, which would only bring the same delta back.
        /// </summary>
        RefusedAgain = 6,

        /// <summary>
        /// Asks only for values already committed: restart keys waiting for the restart, which
        /// <c>reported.cfg</c> lacks until then, so every update brings them back. Nothing written, not
        /// reported again.
        /// </summary>
        AlreadyStaged = 7,
    }
}
