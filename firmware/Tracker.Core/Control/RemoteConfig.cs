using Tracker.Core.Config;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The car's side of remote configuration (README.md §1): at boot, the running configuration from
    /// tracker.conf and the newest whole generation of overrides; on each shadow delta, validation by
    /// the loader's rules, an atomic commit, live keys running at once and restart keys pending; and
    /// what to report. Single-threaded (the main loop's). Never throws on bad input or a storage
    /// failure.
    /// </summary>
    public sealed class RemoteConfig
    {
        private readonly string _baseText;
        private readonly OverrideStore _store;

        // The delta the standing refusal is about (null when none, or when it could not be read). Kept
        // in RAM only: a refusal writes nothing to flash (the store holds what runs, and flash wear is
        // finite), and after a reboot the cost is one more report of the same refusal.
        private ShadowDelta? _refused;

        // The trial state on flash (null when there is none: no restart key was ever changed), the generation last
        // proven to run and its overrides (what a trial falls back to), the generation this boot tries, and the
        // restart keys of the change refused because it never connected (null when no such refusal stands).
        private ConfigTrial? _trial;
        private int _goodGeneration;
        private ConfigOverrides _good;
        private int _trialGeneration;
        private ConfigOverrides? _refusedRestart;

        private RemoteConfig(string baseText, OverrideStore store)
        {
            _baseText = baseText;
            _store = store;
            Running = ConfigOverrides.Empty;
            Staged = ConfigOverrides.Empty;
            _good = ConfigOverrides.Empty;
            ErrorCode = string.Empty;
            ErrorKey = string.Empty;
            ErrorMessage = string.Empty;
            Result = TrackerConfigLoader.Load(baseText);
        }

        /// <summary>The running configuration, or tracker.conf's own error (then the car idles as before this stage existed).</summary>
        public TrackerConfigResult Result { get; private set; }

        /// <summary>The overrides running now (what <c>reported.cfg</c> says).</summary>
        public ConfigOverrides Running { get; private set; }

        /// <summary>The overrides committed to flash: <see cref="Running"/> plus restart keys waiting for the restart.</summary>
        public ConfigOverrides Staged { get; private set; }

        /// <summary>The shadow version of the last delta applied (0 when none).</summary>
        public int AppliedVersion { get; private set; }

        /// <summary>The flash generation running (0 when none).</summary>
        public int Generation { get; private set; }

        /// <summary>Generations skipped at boot because they were torn or no longer build (logged by the app).</summary>
        public int SkippedGenerations { get; private set; }

        /// <summary>
        /// True while this boot tries a generation that changed a restart key (README.md §1): until the uplink connects
        /// (<see cref="ConfirmTrial"/>) it reports those keys pending, and when it does not connect in time the car falls
        /// back to the generation last proven (<see cref="FallBack"/>) and reboots.
        /// </summary>
        public bool OnTrial { get; private set; }

        /// <summary>The shadow version of the last refusal (0 when none, or when the delta had no readable version).</summary>
        public int ErrorVersion { get; private set; }

        /// <summary>The last refusal's code (<see cref="RefusalCodes"/>), or empty when the last delta was applied.</summary>
        public string ErrorCode { get; private set; }

        /// <summary>The shadow name (or, for a key without one, the tracker.conf key) the last refusal is about, or empty.</summary>
        public string ErrorKey { get; private set; }

        /// <summary>The last refusal's message (the loader's, without a line number), or empty.</summary>
        public string ErrorMessage { get; private set; }

        /// <summary>
        /// Reads the running configuration at boot: tracker.conf with the newest generation of
        /// overrides that is whole and still builds with it (older ones are tried in turn; none means
        /// tracker.conf alone).
        /// </summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The overrides' directory (<see cref="OverrideStore.DeviceDirectory"/> on the device).</param>
        /// <param name="baseText">The provisioned tracker.conf.</param>
        /// <returns>The stage; <see cref="Result"/> says whether a configuration runs.</returns>
        public static RemoteConfig Open(IFlashFileSystem fs, string directory, string baseText)
        {
            if (baseText == null)
            {
                throw new System.ArgumentNullException(nameof(baseText));
            }

            OverrideStore store = new OverrideStore(fs, directory);
            RemoteConfig remote = new RemoteConfig(baseText, store);
            if (!remote.Result.IsOk)
            {
                return remote;
            }

            int[] generations;
            try
            {
                generations = store.Generations();
            }
            catch (System.Exception)
            {
                generations = new int[0];
            }

            for (int i = 0; i < generations.Length; i++)
            {
                ConfigOverrides? overrides;
                int version;
                if (store.TryRead(generations[i], out overrides, out version))
                {
                    TrackerConfigResult built = OverrideMerge.Build(baseText, overrides!);
                    if (built.IsOk)
                    {
                        remote.Result = built;
                        remote.Running = overrides!;
                        remote.Staged = overrides!;
                        remote.AppliedVersion = version;
                        remote.Generation = generations[i];
                        break;
                    }
                }

                remote.SkippedGenerations++;
            }

            remote.Boot();
            return remote;
        }

        // The trial boot of restart keys, once the newest generation is read: a generation whose restart keys differ
        // from the last proven one's is on trial, its boot counted before it runs (a crash loop uses the boots up); a
        // trial out of boots, or a fall-back a power cut interrupted, falls back now; a refusal still standing is
        // restored, so the shadow asking for it again is refused, not tried again.
        private void Boot()
        {
            ConfigTrial? trial;
            if (!_store.TryLoadTrial(out trial))
            {
                // None: no restart key was changed since this firmware ran, and the running generation stands.
                return;
            }

            _trial = trial!;
            _goodGeneration = trial!.Good;
            _good = ReadGood(trial.Good);
            _trialGeneration = Generation;
            ConfigOverrides restart = Running.Only(RemoteClass.Restart);
            if (restart.SameAs(_good.Only(RemoteClass.Restart)))
            {
                if (trial.RefusedVersion > 0 && AppliedVersion <= trial.RefusedVersion)
                {
                    Refuse(ApplyOutcome.Refused, null, trial.RefusedVersion, RefusalCodes.NotConfirmed, trial.RefusedKey, trial.RefusedMessage);
                    _refusedRestart = trial.Refused;
                }

                return;
            }

            if (trial.RefusedVersion > 0 && AppliedVersion <= trial.RefusedVersion && restart.SameAs(trial.Refused))
            {
                FallBackTo(trial.RefusedVersion, trial.RefusedKey, trial.RefusedMessage);
                return;
            }

            OnTrial = true;
            if (trial.Attempts >= ConfigTrial.MaxAttempts)
            {
                FallBack(trial.Attempts.ToString() + " boots ended before the uplink connected");
                return;
            }

            ConfigTrial attempted = trial.Attempted();
            if (_store.SaveTrial(attempted))
            {
                _trial = attempted;
            }
        }

        private ConfigOverrides ReadGood(int generation)
        {
            ConfigOverrides? overrides;
            int version;
            if (generation == Generation)
            {
                return Running;
            }

            // Unreadable or no longer building with tracker.conf (never expected: the store keeps it): tracker.conf alone,
            // the provisioned config, is the proven one then.
            return generation > 0 && _store.TryRead(generation, out overrides, out version) && OverrideMerge.Build(_baseText, overrides!).IsOk
                ? overrides!
                : ConfigOverrides.Empty;
        }

        /// <summary>
        /// Ends the trial as passed: the uplink connected on the generation tried, which becomes the proven one.
        /// Nothing to do (true) when no trial runs. Never throws.
        /// </summary>
        /// <returns>False when the flash write failed (try again on the next pass).</returns>
        public bool ConfirmTrial()
        {
            if (!OnTrial)
            {
                return true;
            }

            ConfigTrial proven = ConfigTrial.Proven(_trialGeneration);
            if (!_store.SaveTrial(proven))
            {
                return false;
            }

            _trial = proven;
            _goodGeneration = _trialGeneration;
            _good = Running;
            OnTrial = false;
            return true;
        }

        /// <summary>
        /// Ends the trial as failed: the change is refused (<see cref="RefusalCodes.NotConfirmed"/>, naming the first
        /// restart key it changed and <paramref name="why"/>), and the generation last proven is committed again as the
        /// newest, under the refused change's version; the refusal is written first, so a power cut between the two
        /// writes finishes the fall-back at the next boot. The app reboots to run it. Never throws.
        /// </summary>
        /// <param name="why">What the trial lacked, for the message.</param>
        /// <returns>False when no trial runs, or when a flash write failed (the next boot counts the trial's boots and falls back then).</returns>
        public bool FallBack(string why)
        {
            if (!OnTrial)
            {
                return false;
            }

            string[] keys = TrialKeys();
            string changed = string.Empty;
            for (int i = 0; i < keys.Length; i++)
            {
                int at = Running.IndexOf(keys[i]);
                changed = string.Concat(changed, i > 0 ? ", " : string.Empty, keys[i], at >= 0 ? " = " + Running.ValueAt(at) : " back to tracker.conf's");
            }

            string key = keys.Length > 0 ? ShadowNames.NameOf(keys[0]) : string.Empty;
            key = key.Length > 0 || keys.Length == 0 ? key : keys[0];
            return FallBackTo(AppliedVersion, key, string.Concat(changed, ": ", why, "; running the previous config again"));
        }

        /// <summary><see cref="FallBack"/> when <paramref name="window"/> ended before the uplink connected.</summary>
        /// <param name="window">The trial's window (uplink only).</param>
        /// <returns>As <see cref="FallBack"/>.</returns>
        public bool FallBackAfter(HealthWindow window)
        {
            if (window == null)
            {
                throw new System.ArgumentNullException(nameof(window));
            }

            long minutes = window.WindowMs / 60000;
            string span = minutes > 0 && minutes * 60000 == window.WindowMs ? minutes.ToString() + " min" : window.WindowMs.ToString() + " ms";
            return FallBack("the uplink did not connect within " + span + " of the restart");
        }

        private bool FallBackTo(int version, string key, string message)
        {
            ConfigOverrides refused = Running.Only(RemoteClass.Restart);
            ConfigTrial state = (_trial != null ? _trial : ConfigTrial.Proven(_goodGeneration)).Refuse(version, key, message, refused);
            int generation = 0;
            string problem;
            bool done = _store.SaveTrial(state) && _store.Commit(_good, version, _goodGeneration, out generation, out problem);
            _trial = state;
            OnTrial = false;
            TrackerConfigResult built = OverrideMerge.Build(_baseText, _good);
            if (built.IsOk)
            {
                Result = built;
            }

            Running = _good;
            Staged = _good;
            AppliedVersion = version;
            Generation = generation > 0 ? generation : Generation;
            Refuse(ApplyOutcome.Refused, null, version, RefusalCodes.NotConfirmed, key, state.RefusedMessage);
            _refusedRestart = refused;
            return done;
        }

        /// <summary>Applies one message of the <c>update/delta</c> topic.</summary>
        /// <param name="payload">The message's bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>What was done; the properties say the rest (running config, pending keys, the refusal).</returns>
        public ApplyOutcome Apply(byte[] payload, int offset, int count)
        {
            // A message on the shadow's topic came over the uplink: a trial has what it needed (a failed write is tried
            // again on the next pass, and the commit below spares the proven generation all the same).
            ConfirmTrial();
            ShadowDelta? delta;
            string problem;
            if (!ShadowDelta.TryParse(payload, offset, count, out delta, out problem))
            {
                // No change to compare, only the problem: the same problem as the refusal standing is the
                // same unreadable desired state sent again (see RefusedAgain below).
                if (ErrorCode == RefusalCodes.Malformed && ErrorMessage == problem)
                {
                    return ApplyOutcome.RefusedAgain;
                }

                return Refuse(ApplyOutcome.Malformed, null, 0, RefusalCodes.Malformed, string.Empty, problem);
            }

            if (!delta!.HasConfig)
            {
                return ApplyOutcome.NoConfig;
            }

            if (delta.Version <= AppliedVersion)
            {
                return ApplyOutcome.Stale;
            }

            // IoT Core publishes the delta again after every accepted update while desired and reported
            // differ, and the car's report of a refusal is such an update: answering the same change
            // again would loop for as long as it stays desired (README.md §1). Judged against the same
            // overrides (only an applied delta changes them, and that forgets the refusal), the answer
            // would be the same, so it is not given again. A storage failure is the one refusal that
            // need not repeat (the flash may take it now): that change is tried again, and reported
            // only if it is applied this time.
            bool again = _refused != null && delta.AsksTheSameAs(_refused);
            if (again && ErrorCode != RefusalCodes.Storage)
            {
                return ApplyOutcome.RefusedAgain;
            }

            if (!Result.IsOk)
            {
                // No running configuration to change: tracker.conf itself is broken.
                return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.NameOf(Result.Error), Result.Key, "tracker.conf: " + Result.Message);
            }

            string[] keys = new string[delta.Count];
            string[] values = new string[delta.Count];
            for (int i = 0; i < delta.Count; i++)
            {
                string name = delta.KeyAt(i);
                string key = ShadowNames.KeyOf(name);
                if (key.Length == 0)
                {
                    if (RemoteKeys.ClassOf(name) == RemoteClass.ProvisioningOnly)
                    {
                        return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.ProvisioningOnly, name, name + " is set only by the provisioning tool: it is the car's identity, trust or a secret");
                    }

                    string hint = ShadowNames.NameOf(name);
                    string shown = Common.ConfigLineReader.Shorten(name);
                    return Refuse(
                        ApplyOutcome.Refused,
                        delta,
                        delta.Version,
                        RefusalCodes.NameOf(TrackerConfigError.UnknownKey),
                        shown,
                        hint.Length > 0 ? "'" + shown + "' is written '" + hint + "' in the shadow" : "unknown shadow name '" + shown + "' (Control/ShadowNames.cs lists them)");
                }

                RemoteValueType expected = RemoteKeys.ValueTypeOf(key);
                if (delta.TypeAt(i) != expected)
                {
                    return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.BadType, name, name + " (" + key + ") takes " + Describe(expected));
                }

                keys[i] = key;
                values[i] = delta.ValueAt(i);
            }

            if (Staged.Holds(keys, values))
            {
                // Restart keys waiting for the restart are not in reported.cfg, so every update brings them
                // back: committing and answering each time would loop like a refusal, writing flash too.
                if (ErrorCode.Length == 0)
                {
                    return ApplyOutcome.AlreadyStaged;
                }

                // What was refused is no longer asked for: the refusal ends, reported once (all of it is on flash already).
                AppliedVersion = delta.Version;
                Forget();
                return ApplyOutcome.Applied;
            }

            ConfigOverrides staged = Staged.With(keys, values);
            ConfigOverrides stagedRestart = staged.Only(RemoteClass.Restart);
            bool restartChange = !stagedRestart.SameAs(Running.Only(RemoteClass.Restart));
            if (_refusedRestart != null && restartChange && stagedRestart.SameAs(_refusedRestart))
            {
                // The restart keys a trial boot could not connect with, asked for again (IoT Core keeps them in the
                // delta, the report lacking them): refused again, not tried again, until the operator changes them.
                return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.NotConfirmed, ErrorKey, ErrorMessage);
            }

            TrackerConfigResult built = OverrideMerge.Build(_baseText, staged);
            if (!built.IsOk)
            {
                string blamed = ShadowNames.NameOf(built.Key);
                return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.NameOf(built.Error), blamed.Length > 0 ? blamed : built.Key, OverrideMerge.WithoutLine(built.Message));
            }

            if (restartChange && !RestartPending && !OnTrial && (_trial == null || _trial.Good != Generation))
            {
                // The first restart key staged: the generation running now is what its trial boot falls back to, so it
                // is named before the new one is written (a power cut between leaves it named, and it still runs).
                ConfigTrial proven = ConfigTrial.Proven(Generation);
                if (!_store.SaveTrial(proven))
                {
                    return again ? ApplyOutcome.RefusedAgain : Refuse(ApplyOutcome.StorageFailed, delta, delta.Version, RefusalCodes.Storage, string.Empty, "storage: the trial state was not written");
                }

                _trial = proven;
                _goodGeneration = Generation;
                _good = Running;
            }

            int generation;
            if (!_store.Commit(staged, delta.Version, _trial != null ? _trial.Good : 0, out generation, out problem))
            {
                return again ? ApplyOutcome.RefusedAgain : Refuse(ApplyOutcome.StorageFailed, delta, delta.Version, RefusalCodes.Storage, string.Empty, problem);
            }

            // Live keys run now, restart keys keep their running values; when that mix breaks a rule
            // between keys (a live key that needs a restart key's new value), all of it waits for the restart.
            ConfigOverrides running = staged.Mixed(Running, RemoteClass.Live);
            TrackerConfigResult runningBuilt = OverrideMerge.Build(_baseText, running);
            if (runningBuilt.IsOk)
            {
                Running = running;
                Result = runningBuilt;
            }

            Staged = staged;
            Generation = generation;
            AppliedVersion = delta.Version;
            Forget();
            return ApplyOutcome.Applied;
        }

        /// <summary>The keys committed but not yet running (they wait for the restart), in the order they were first set.</summary>
        /// <returns>The keys; empty when none.</returns>
        public string[] PendingKeys()
        {
            string[] pending = new string[Staged.Count];
            int n = 0;
            for (int i = 0; i < Staged.Count; i++)
            {
                if (!Staged.Agrees(Running, Staged.KeyAt(i)))
                {
                    pending[n++] = Staged.KeyAt(i);
                }
            }

            string[] trimmed = new string[n];
            System.Array.Copy(pending, trimmed, n);
            return trimmed;
        }

        /// <summary>The overrides the report says run: <see cref="Running"/>, with the restart keys on trial still the proven ones.</summary>
        public ConfigOverrides Reported
        {
            get { return OnTrial ? Running.Mixed(_good, RemoteClass.Live) : Running; }
        }

        /// <summary>The keys the report lists as not yet applied: <see cref="PendingKeys"/>, then the restart keys on trial.</summary>
        /// <returns>The keys; empty when none.</returns>
        public string[] ReportedPendingKeys()
        {
            string[] pending = PendingKeys();
            if (!OnTrial)
            {
                return pending;
            }

            string[] trial = TrialKeys();
            string[] all = new string[pending.Length + trial.Length];
            System.Array.Copy(pending, all, pending.Length);
            System.Array.Copy(trial, 0, all, pending.Length, trial.Length);
            return all;
        }

        // The restart keys the running overrides set otherwise than the proven ones: changed or added, then removed.
        private string[] TrialKeys()
        {
            ConfigOverrides restart = Running.Only(RemoteClass.Restart);
            ConfigOverrides good = _good.Only(RemoteClass.Restart);
            string[] keys = new string[restart.Count + good.Count];
            int n = 0;
            for (int i = 0; i < restart.Count; i++)
            {
                if (!restart.Agrees(good, restart.KeyAt(i)))
                {
                    keys[n++] = restart.KeyAt(i);
                }
            }

            for (int i = 0; i < good.Count; i++)
            {
                if (restart.IndexOf(good.KeyAt(i)) < 0)
                {
                    keys[n++] = good.KeyAt(i);
                }
            }

            string[] trimmed = new string[n];
            System.Array.Copy(keys, trimmed, n);
            return trimmed;
        }

        /// <summary>True when a restart would run a different configuration (<see cref="PendingKeys"/> is not empty).</summary>
        public bool RestartPending
        {
            get { return PendingKeys().Length > 0; }
        }

        private ApplyOutcome Refuse(ApplyOutcome outcome, ShadowDelta? delta, int version, string code, string key, string message)
        {
            _refused = delta;
            ErrorVersion = version;
            ErrorCode = code;
            ErrorKey = key;
            ErrorMessage = message;
            return outcome;
        }

        private void Forget()
        {
            _refused = null;
            _refusedRestart = null;
            ErrorVersion = 0;
            ErrorCode = string.Empty;
            ErrorKey = string.Empty;
            ErrorMessage = string.Empty;
        }

        private static string Describe(RemoteValueType type)
        {
            if (type == RemoteValueType.Boolean)
            {
                return "true or false (a JSON boolean)";
            }

            return type == RemoteValueType.String ? "a JSON string" : "a JSON number";
        }
    }
}
