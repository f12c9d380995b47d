namespace Tracker.Core.Control
{
    /// <summary>
    /// The loader's one decision at every boot (Control/README.md §2, "The switch, the health
    /// confirmation, the fall-back"): which image to run, and the state to commit before running it.
    /// A candidate is counted one attempt before it runs, so a crash, a hang (the watchdog reboots) or
    /// a power cut during its trial all use an attempt; after <see cref="BootState.MaxAttempts"/> it is
    /// dropped. An image that is not intact never runs. The result always names something that can
    /// run: at worst the built-in application.
    /// </summary>
    public static class BootSelector
    {
        /// <summary>Decides.</summary>
        /// <param name="state">The state read from flash.</param>
        /// <param name="images">The images on flash.</param>
        /// <param name="next">The state to commit before running the choice (the same object when nothing changes).</param>
        /// <param name="reason">Why.</param>
        /// <returns>The version to run; empty for the built-in application.</returns>
        public static string Choose(BootState state, IImageCatalog images, out BootState next, out BootReason reason)
        {
            if (state == null || images == null)
            {
                throw new System.ArgumentNullException(state == null ? nameof(state) : nameof(images));
            }

            BootReason dropped = BootReason.Confirmed;
            if (state.Candidate.Length > 0)
            {
                if (!images.IsIntact(state.Candidate))
                {
                    dropped = BootReason.CandidateCorrupt;
                }
                else if (state.Attempts >= BootState.MaxAttempts)
                {
                    dropped = BootReason.CandidateNotConfirmed;
                }
                else
                {
                    next = new BootState(state.Confirmed, state.Previous, state.Candidate, state.Attempts + 1);
                    reason = BootReason.TryingCandidate;
                    return state.Candidate;
                }

                state = new BootState(state.Confirmed, state.Previous, string.Empty, 0);
            }

            if (state.Confirmed.Length > 0 && images.IsIntact(state.Confirmed))
            {
                next = state;
                reason = dropped;
                return state.Confirmed;
            }

            if (state.Previous.Length > 0 && images.IsIntact(state.Previous))
            {
                next = new BootState(state.Previous, string.Empty, string.Empty, 0);
                reason = dropped != BootReason.Confirmed ? dropped : BootReason.PreviousVersion;
                return state.Previous;
            }

            next = BootState.Empty;
            reason = dropped != BootReason.Confirmed ? dropped : (state.Confirmed.Length > 0 ? BootReason.BuiltIn : BootReason.Confirmed);
            return string.Empty;
        }
    }
}
