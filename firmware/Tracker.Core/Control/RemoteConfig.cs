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

        private RemoteConfig(string baseText, OverrideStore store)
        {
            _baseText = baseText;
            _store = store;
            Running = ConfigOverrides.Empty;
            Staged = ConfigOverrides.Empty;
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
                        return remote;
                    }
                }

                remote.SkippedGenerations++;
            }

            return remote;
        }

        /// <summary>Applies one message of the <c>update/delta</c> topic.</summary>
        /// <param name="payload">The message's bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>What was done; the properties say the rest (running config, pending keys, the refusal).</returns>
        public ApplyOutcome Apply(byte[] payload, int offset, int count)
        {
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
            TrackerConfigResult built = OverrideMerge.Build(_baseText, staged);
            if (!built.IsOk)
            {
                string blamed = ShadowNames.NameOf(built.Key);
                return Refuse(ApplyOutcome.Refused, delta, delta.Version, RefusalCodes.NameOf(built.Error), blamed.Length > 0 ? blamed : built.Key, OverrideMerge.WithoutLine(built.Message));
            }

            int generation;
            if (!_store.Commit(staged, delta.Version, out generation, out problem))
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
