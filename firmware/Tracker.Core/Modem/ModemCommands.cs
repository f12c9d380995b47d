using Tracker.Core.Time;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// Runs the driver's AT commands over the <see cref="AtChannel"/>, one at a time: after each one
    /// it keeps the failure text for the device log, hands the URCs that arrived meanwhile to
    /// <see cref="ModemUrcs"/>, and notices a restart by command echo coming back after <c>ATE0</c>
    /// (with auto-baud there is no <c>RDY</c>). Also maps AT outcomes to <see cref="ModemResult"/>.
    /// </summary>
    internal sealed class ModemCommands
    {
        private readonly AtChannel _at;

        /// <summary>Creates the runner.</summary>
        /// <param name="channel">The AT channel.</param>
        /// <param name="state">The driver's state.</param>
        /// <param name="urcs">The URC handler.</param>
        internal ModemCommands(AtChannel channel, ModemState state, ModemUrcs urcs)
        {
            _at = channel;
            State = state;
            Urcs = urcs;
            LastFailure = string.Empty;
        }

        /// <summary>The channel.</summary>
        internal AtChannel Channel
        {
            get { return _at; }
        }

        /// <summary>The monotonic clock (the channel's).</summary>
        internal IMonotonicClock Clock
        {
            get { return _at.Clock; }
        }

        /// <summary>The driver's state.</summary>
        internal ModemState State { get; }

        /// <summary>The URC handler.</summary>
        internal ModemUrcs Urcs { get; }

        /// <summary>The last command that failed and what the modem said, for the device log.</summary>
        internal string LastFailure { get; set; }

        /// <summary>Runs one command and processes what came with it.</summary>
        /// <param name="command">The command line.</param>
        /// <param name="prefix">The information response's prefix, or null.</param>
        /// <param name="timeoutMs">How long the final result may take.</param>
        /// <returns>The result.</returns>
        internal AtResult Run(string command, string? prefix, int timeoutMs)
        {
            AtResult r = _at.Execute(command, prefix, timeoutMs);
            After(command, r);
            return r;
        }

        /// <summary>Runs a command that sends data after a prompt (<see cref="AtChannel.ExecuteWithData"/>) and processes what came with it.</summary>
        internal AtResult RunWithData(string command, AtPrompt prompt, byte[] data, int offset, int count, int promptTimeoutMs, int resultTimeoutMs)
        {
            AtResult r = _at.ExecuteWithData(command, null, prompt, data, offset, count, promptTimeoutMs, resultTimeoutMs);
            After(command, r);
            return r;
        }

        /// <summary>Reads what the modem sent since the last call, without waiting and without sending, and processes its URCs.</summary>
        internal void Poll()
        {
            _at.Poll();
            DispatchUrcs();
        }

        /// <summary>Processes the URCs received so far, without sending anything.</summary>
        internal void DispatchUrcs()
        {
            string line;
            while (_at.TryTakeUrc(out line))
            {
                Urcs.Handle(line);
            }
        }

        /// <summary>The outcome of a failed (or successful) AT result: Timeout, Restarted, Error or Ok.</summary>
        /// <param name="r">The result.</param>
        /// <returns>The driver's outcome.</returns>
        internal static ModemResult Fail(AtResult r)
        {
            if (r.Status == AtStatus.Timeout)
            {
                return ModemResult.Timeout;
            }

            if (r.Status == AtStatus.Restarted)
            {
                return ModemResult.Restarted;
            }

            return r.IsOk ? ModemResult.Ok : ModemResult.Error;
        }

        /// <summary>Keeps the first failure of a sequence: <paramref name="sofar"/>, or the outcome of <paramref name="r"/> when all went well so far.</summary>
        /// <param name="sofar">The sequence's outcome so far.</param>
        /// <param name="r">The next step's result.</param>
        /// <returns>The sequence's outcome.</returns>
        internal static ModemResult Keep(ModemResult sofar, AtResult r)
        {
            if (sofar != ModemResult.Ok)
            {
                return sofar;
            }

            if (r.IsOk)
            {
                return ModemResult.Ok;
            }

            return r.Status == AtStatus.Timeout ? ModemResult.Timeout : r.Status == AtStatus.Restarted ? ModemResult.Restarted : ModemResult.Error;
        }

        private void After(string command, AtResult r)
        {
            if (!r.IsOk)
            {
                LastFailure = command + " -> " + r.Describe();
            }

            DispatchUrcs();
            if (State.EchoBaseline >= 0 && _at.EchoLines > State.EchoBaseline)
            {
                // Echo is back on, so the modem restarted since ATE0 (with auto-baud there is no RDY).
                State.OnRestart(true);
            }
        }
    }
}
