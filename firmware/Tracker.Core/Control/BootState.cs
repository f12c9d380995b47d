using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// What the loader knows across reboots and power cuts (Control/README.md §2, "The switch"): the
    /// confirmed version, the one before it, and a candidate on trial with its boot attempts. Immutable;
    /// each step makes a new state, which <see cref="BootStateStore"/> commits atomically. A version is
    /// an image's name on flash; empty means none.
    /// </summary>
    public sealed class BootState
    {
        /// <summary>Boots a candidate gets to confirm its health (a crash loop or a hang uses them up).</summary>
        public const int MaxAttempts = 3;

        private static readonly string[] Keys = new string[] { "confirmed", "previous", "candidate", "attempts" };

        /// <summary>The state of a car that never installed an update: the built-in application only.</summary>
        public static readonly BootState Empty = new BootState(string.Empty, string.Empty, string.Empty, 0);

        /// <summary>Creates a state.</summary>
        /// <param name="confirmed">The confirmed version, or empty.</param>
        /// <param name="previous">The version confirmed before it, or empty.</param>
        /// <param name="candidate">The version on trial, or empty.</param>
        /// <param name="attempts">Boots of the candidate so far.</param>
        public BootState(string confirmed, string previous, string candidate, int attempts)
        {
            if (confirmed == null || previous == null || candidate == null)
            {
                throw new System.ArgumentNullException(confirmed == null ? nameof(confirmed) : previous == null ? nameof(previous) : nameof(candidate));
            }

            Confirmed = confirmed;
            Previous = previous;
            Candidate = candidate;
            Attempts = candidate.Length == 0 ? 0 : attempts;
        }

        /// <summary>The version that proved healthy last, or empty (the built-in application).</summary>
        public string Confirmed { get; }

        /// <summary>The version confirmed before <see cref="Confirmed"/>, kept as the fall-back, or empty.</summary>
        public string Previous { get; }

        /// <summary>The version on trial, or empty.</summary>
        public string Candidate { get; }

        /// <summary>Boots of <see cref="Candidate"/> so far (0 when there is none).</summary>
        public int Attempts { get; }

        /// <summary>This state with <paramref name="version"/> staged as the candidate, not yet booted.</summary>
        /// <param name="version">The verified, installed version.</param>
        /// <returns>The new state.</returns>
        public BootState Stage(string version)
        {
            if (version == null || version.Length == 0)
            {
                throw new System.ArgumentException("a version is needed", nameof(version));
            }

            return new BootState(Confirmed, Previous, version, 0);
        }

        /// <summary>This state with the candidate confirmed healthy: it becomes the confirmed version, and the old one the previous.</summary>
        /// <returns>The new state (this one when there is no candidate).</returns>
        public BootState Confirm()
        {
            return Candidate.Length == 0 ? this : new BootState(Candidate, Confirmed, string.Empty, 0);
        }

        /// <summary>The state as text (tracker.conf's line format).</summary>
        /// <returns>The lines.</returns>
        public string ToText()
        {
            return "confirmed = " + ConfigLineReader.QuoteValue(Confirmed) + "\n"
                + "previous = " + ConfigLineReader.QuoteValue(Previous) + "\n"
                + "candidate = " + ConfigLineReader.QuoteValue(Candidate) + "\n"
                + "attempts = " + Attempts.ToString() + "\n";
        }

        /// <summary>Reads <see cref="ToText"/>'s lines. Never throws on bad text.</summary>
        /// <param name="text">The lines.</param>
        /// <param name="state">The state, or null.</param>
        /// <returns>False when a line is malformed, unknown or missing.</returns>
        public static bool TryParse(string text, out BootState? state)
        {
            state = null;
            string[] values = new string[4];
            int attempts;
            if (!KeyValueLines.TryRead(text, Keys, values) || !ConfigLineReader.TryParseInt(values[3], out attempts) || attempts < 0)
            {
                return false;
            }

            state = new BootState(values[0], values[1], values[2], attempts);
            return true;
        }
    }
}
