namespace Tracker.Core.Control
{
    /// <summary>Why <see cref="BootSelector"/> chose the image it chose.</summary>
    public enum BootReason
    {
        /// <summary>The confirmed version, with no candidate waiting.</summary>
        Confirmed = 0,

        /// <summary>A new version on trial: one more attempt counted before it runs.</summary>
        TryingCandidate = 1,

        /// <summary>The candidate used its attempts without confirming (it crashed, hung or never got healthy): dropped, the confirmed version runs.</summary>
        CandidateNotConfirmed = 2,

        /// <summary>The candidate's image is missing or does not match its manifest: dropped, the confirmed version runs.</summary>
        CandidateCorrupt = 3,

        /// <summary>The confirmed image is missing or corrupt: the version before it runs, and becomes the confirmed one.</summary>
        PreviousVersion = 4,

        /// <summary>No image on flash can run: the loader's own built-in application runs (the one nanoff deployed).</summary>
        BuiltIn = 5,
    }
}
