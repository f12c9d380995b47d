using Tracker.Core.Time;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// The SIM7080G's network side (MAN §3, §5, §6): the SIM and its PIN, the radio and APN, registration,
    /// the PDP context for the modem's own IP stack, the network's time, and the signal, cell and
    /// firmware queries. Part of <see cref="Sim7080Modem"/>, which exposes these operations.
    /// </summary>
    internal sealed class Sim7080Network
    {
        private readonly ModemCommands _commands;
        private readonly ModemState _state;
        private readonly IMonotonicClock _clock;
        private readonly Sim7080Options _options;
        private bool _pinRejected;

        /// <summary>Creates the part.</summary>
        /// <param name="commands">The command runner.</param>
        /// <param name="options">The driver's options.</param>
        internal Sim7080Network(ModemCommands commands, Sim7080Options options)
        {
            _commands = commands;
            _state = commands.State;
            _clock = commands.Clock;
            _options = options;
            SignalDbm = SignalQuality.UnknownDbm;
            FirmwareVersion = string.Empty;
        }

        /// <summary>The signal level from the last <see cref="ReadSignal"/>, in dBm.</summary>
        internal int SignalDbm { get; private set; }

        /// <summary>The firmware revision from the last <see cref="ReadFirmwareVersion"/>.</summary>
        internal string FirmwareVersion { get; private set; }

        private AtResult Run(string command, string? prefix, int timeoutMs)
        {
            return _commands.Run(command, prefix, timeoutMs);
        }
        /// <summary>
        /// Waits for the SIM: <c>AT+CPIN?</c> until <c>READY</c>, entering the configured PIN once
        /// when asked (never twice: three wrong PINs lock the SIM).
        /// </summary>
        /// <returns>Ok, or why the SIM is not usable.</returns>
        internal ModemResult CheckSim()
        {
            long deadline = _clock.NowMs + Sim7080Timing.SimReadyMs;
            bool pinEntered = false;
            ModemResult last = ModemResult.Timeout;
            while (true)
            {
                AtResult r = Run("AT+CPIN?", "+CPIN:", Sim7080Timing.CpinMs);
                if (r.Status == AtStatus.Restarted)
                {
                    return ModemResult.Restarted;
                }

                if (r.IsOk)
                {
                    string? v = r.FindValue("+CPIN:");
                    if (v == "READY")
                    {
                        return ModemResult.Ok;
                    }

                    if (v == "SIM PUK")
                    {
                        _commands.LastFailure = "AT+CPIN? -> SIM PUK";
                        return ModemResult.SimPukRequired;
                    }

                    if (v == "SIM PIN")
                    {
                        if (_options.SimPin == null)
                        {
                            _commands.LastFailure = "AT+CPIN? -> SIM PIN, and modem.pin is not set";
                            return ModemResult.SimPinRequired;
                        }

                        if (_pinRejected || pinEntered)
                        {
                            _pinRejected = true;
                            _commands.LastFailure = "AT+CPIN? -> SIM PIN after the PIN was entered";
                            return ModemResult.SimPinRejected;
                        }

                        pinEntered = true;
                        AtResult p = Run("AT+CPIN=" + _options.SimPin, null, Sim7080Timing.CpinMs);
                        if (p.Status == AtStatus.Error || p.Status == AtStatus.CmeError)
                        {
                            _pinRejected = true;
                            return ModemResult.SimPinRejected;
                        }

                        continue;
                    }

                    last = ModemResult.Timeout;
                }
                else if (r.Status == AtStatus.CmeError && r.ErrorCode == CmeError.SimNotInserted)
                {
                    last = ModemResult.NoSim;
                }
                else if (r.Status == AtStatus.Timeout)
                {
                    return ModemResult.Timeout;
                }

                if (_clock.NowMs >= deadline)
                {
                    if (_commands.LastFailure.Length == 0 || r.IsOk)
                    {
                        _commands.LastFailure = "AT+CPIN? -> SIM not ready";
                    }

                    return last;
                }

                _clock.Sleep(500);
            }
        }

        /// <summary>
        /// LTE only (<c>AT+CNMP=38</c>), LTE-M or NB-IoT (<c>AT+CMNB</c>), and the attach APN
        /// (<c>AT+CGDCONT=1,"IP",apn</c>). The modem saves all three, so they are read first and the
        /// radio is cycled (<c>AT+CFUN=0</c> ... <c>AT+CFUN=1</c>) only when one must change.
        /// </summary>
        /// <returns>Ok, or the step that failed.</returns>
        internal ModemResult ConfigureRadio()
        {
            int mode = (int)_options.Radio;
            bool modeOk = QueryInt("AT+CNMP?", "+CNMP:") == 38;
            bool bandOk = QueryInt("AT+CMNB?", "+CMNB:") == mode;
            bool apnOk = AttachApnMatches();
            if (modeOk && bandOk && apnOk)
            {
                return ModemResult.Ok;
            }

            _state.ExpectBootUrcs = true;
            AtResult r = Run("AT+CFUN=0", null, Sim7080Timing.CfunMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            ModemResult result = ModemResult.Ok;
            if (!modeOk)
            {
                result = ModemCommands.Keep(result, Run("AT+CNMP=38", null, Sim7080Timing.CommandMs));
            }

            if (!bandOk)
            {
                result = ModemCommands.Keep(result, Run("AT+CMNB=" + mode.ToString(), null, Sim7080Timing.CommandMs));
            }

            if (!apnOk)
            {
                result = ModemCommands.Keep(result, Run("AT+CGDCONT=1,\"IP\"," + AtText.Quote(_options.Apn), null, Sim7080Timing.CommandMs));
            }

            // The radio goes back on whatever happened, so a failed setting does not leave it off.
            _state.Registration = RegistrationStatus.Unknown;
            return ModemCommands.Keep(result, Run("AT+CFUN=1", null, Sim7080Timing.CfunMs));
        }

        /// <summary>
        /// Polls <c>AT+CEREG?</c> every <see cref="Sim7080Timing.RegistrationPollMs"/> until the
        /// modem is registered (home or roaming), registration is denied, or the deadline passes.
        /// </summary>
        /// <returns>Ok, <see cref="ModemResult.RegistrationDenied"/> or <see cref="ModemResult.NotRegistered"/>.</returns>
        internal ModemResult WaitForRegistration()
        {
            long deadline = _clock.NowMs + _options.RegistrationTimeoutMs;
            while (true)
            {
                AtResult r = Run("AT+CEREG?", "+CEREG:", Sim7080Timing.CommandMs);
                if (r.Status == AtStatus.Restarted)
                {
                    return ModemResult.Restarted;
                }

                string? v = r.FindValue("+CEREG:");
                if (r.IsOk && v != null)
                {
                    string[] f = AtText.SplitFields(v);
                    int stat;
                    if (f.Length >= 2 && AtText.TryParseInt(f[1], out stat) && stat >= 0 && stat <= 5)
                    {
                        _state.Registration = (RegistrationStatus)stat;
                    }

                    if (_state.Registration == RegistrationStatus.Home || _state.Registration == RegistrationStatus.Roaming)
                    {
                        return ModemResult.Ok;
                    }

                    if (_state.Registration == RegistrationStatus.Denied)
                    {
                        _commands.LastFailure = "AT+CEREG? -> registration denied";
                        return ModemResult.RegistrationDenied;
                    }
                }

                if (_clock.NowMs + Sim7080Timing.RegistrationPollMs > deadline)
                {
                    _commands.LastFailure = "AT+CEREG? -> not registered before the deadline";
                    return ModemResult.NotRegistered;
                }

                _clock.Sleep(Sim7080Timing.RegistrationPollMs);
            }
        }

        /// <summary>
        /// Activates PDP context 0 for the modem's own IP stack: <c>AT+CNCFG=0,1,apn</c>, then
        /// <c>AT+CNACT=0,1</c> and the <c>+APP PDP: 0,ACTIVE</c> URC (MAN §6; MQN §4). Does nothing
        /// when <c>AT+CNACT?</c> shows it active already.
        /// </summary>
        /// <returns>Ok, or <see cref="ModemResult.PdpFailed"/> (or Timeout/Restarted).</returns>
        internal ModemResult ActivatePdp()
        {
            if (ReadPdpAddress())
            {
                _state.PdpActive = true;
                return ModemResult.Ok;
            }

            _state.PdpActive = false;
            string config = "AT+CNCFG=0,1," + AtText.Quote(_options.Apn);
            if (_options.ApnUser != null)
            {
                // auth 3: PAP or CHAP (MAN §6).
                config = string.Concat(new string[]
                {
                    config, ",", AtText.Quote(_options.ApnUser), ",", AtText.Quote(_options.ApnPassword == null ? string.Empty : _options.ApnPassword), ",3",
                });
            }

            AtResult r = Run(config, null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return PdpFail(r);
            }

            _state.PdpDeactivated = false;
            r = Run("AT+CNACT=0,1", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                if (r.Status != AtStatus.Timeout && r.Status != AtStatus.Restarted && ReadPdpAddress())
                {
                    _state.PdpActive = true;
                    return ModemResult.Ok;
                }

                return PdpFail(r);
            }

            long deadline = _clock.NowMs + _options.PdpTimeoutMs;
            while (!_state.PdpActive && !_state.PdpDeactivated)
            {
                long left = deadline - _clock.NowMs;
                if (left <= 0)
                {
                    break;
                }

                _commands.Channel.WaitForUrc((int)left);
                _commands.DispatchUrcs();
            }

            if (!_state.PdpActive)
            {
                _commands.LastFailure = _state.PdpDeactivated ? "AT+CNACT=0,1 -> +APP PDP: 0,DEACTIVE" : "AT+CNACT=0,1 -> no +APP PDP: 0,ACTIVE in time";
                return ModemResult.PdpFailed;
            }

            _state.ExpectBootUrcs = false;
            ReadPdpAddress();
            return ModemResult.Ok;
        }

        /// <summary>
        /// Reads the modem's clock (<c>AT+CCLK?</c>) as UTC. Fails while the network has not set it
        /// (the modem then reports 1980-01-06).
        /// </summary>
        /// <param name="utcMs">Milliseconds since the Unix epoch.</param>
        /// <returns>Ok, or Error when unsynchronised or unreadable.</returns>
        internal ModemResult ReadNetworkTime(out long utcMs)
        {
            utcMs = 0;
            AtResult r = Run("AT+CCLK?", "+CCLK:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            string? v = r.FindValue("+CCLK:");
            if (v == null || !NetworkTime.TryParseCclk(v, out utcMs))
            {
                _commands.LastFailure = "AT+CCLK? -> not synchronised";
                return ModemResult.Error;
            }

            return ModemResult.Ok;
        }

        /// <summary>Sets the modem's clock (<c>AT+CCLK="yy/MM/dd,hh:mm:ss+00"</c>) so TLS can check certificate dates.</summary>
        /// <param name="utcMs">UTC, milliseconds since the Unix epoch (years 2000 to 2069).</param>
        /// <returns>Ok, Invalid for an unrepresentable time, or the modem's error.</returns>
        internal ModemResult SetClock(long utcMs)
        {
            string text;
            if (!NetworkTime.TryFormatCclk(utcMs, out text))
            {
                return ModemResult.Invalid;
            }

            AtResult r = Run("AT+CCLK=" + text, null, Sim7080Timing.CommandMs);
            return r.IsOk ? ModemResult.Ok : ModemCommands.Fail(r);
        }

        /// <summary>Reads the signal level (<c>AT+CSQ</c>) into <see cref="SignalDbm"/>.</summary>
        /// <param name="dbm">The level in dBm, or <see cref="SignalQuality.UnknownDbm"/>.</param>
        /// <returns>Ok, or the failure.</returns>
        internal ModemResult ReadSignal(out int dbm)
        {
            dbm = SignalQuality.UnknownDbm;
            AtResult r = Run("AT+CSQ", "+CSQ:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            string? v = r.FindValue("+CSQ:");
            if (v == null || !SignalQuality.TryParseCsq(v, out dbm))
            {
                _commands.LastFailure = "AT+CSQ -> malformed";
                return ModemResult.Error;
            }

            SignalDbm = dbm;
            return ModemResult.Ok;
        }

        /// <summary>Reads the serving cell (<c>AT+CPSI?</c>).</summary>
        /// <param name="info">The cell, or a "no service" value.</param>
        /// <returns>Ok, or the failure.</returns>
        internal ModemResult ReadCellInfo(out CellInfo info)
        {
            CellInfo.TryParse("NO SERVICE,Offline", out info);
            AtResult r = Run("AT+CPSI?", "+CPSI:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            string? v = r.FindValue("+CPSI:");
            if (v == null || !CellInfo.TryParse(v, out info))
            {
                _commands.LastFailure = "AT+CPSI? -> malformed";
                return ModemResult.Error;
            }

            return ModemResult.Ok;
        }

        /// <summary>Reads the firmware revision (<c>AT+CGMR</c> answers <c>Revision:1951B17SIM7080</c>) into <see cref="FirmwareVersion"/>.</summary>
        /// <param name="version">The revision text.</param>
        /// <returns>Ok, or the failure.</returns>
        internal ModemResult ReadFirmwareVersion(out string version)
        {
            version = string.Empty;
            AtResult r = Run("AT+CGMR", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            for (int i = 0; i < r.Lines.Length; i++)
            {
                if (r.Lines[i].StartsWith("Revision:"))
                {
                    version = r.Lines[i].Substring(9).Trim();
                    break;
                }
            }

            if (version.Length == 0 && r.Lines.Length > 0)
            {
                version = r.Lines[0];
            }

            FirmwareVersion = version;
            return version.Length > 0 ? ModemResult.Ok : ModemResult.Error;
        }

        private int QueryInt(string command, string prefix)
        {
            AtResult r = Run(command, prefix, Sim7080Timing.CommandMs);
            string? v = r.FindValue(prefix);
            int value;
            if (!r.IsOk || v == null)
            {
                return -1;
            }

            string[] f = AtText.SplitFields(v);
            return AtText.TryParseInt(f[0], out value) ? value : -1;
        }

        private bool AttachApnMatches()
        {
            AtResult r = Run("AT+CGDCONT?", "+CGDCONT:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return false;
            }

            string want = _options.Apn.ToLower();
            for (int i = 0; i < r.Lines.Length; i++)
            {
                if (!r.Lines[i].StartsWith("+CGDCONT:"))
                {
                    continue;
                }

                string[] f = AtText.SplitFields(r.Lines[i].Substring(9));
                if (f.Length >= 3 && f[0] == "1")
                {
                    return f[1] == "IP" && f[2].ToLower() == want;
                }
            }

            return false;
        }

        private bool ReadPdpAddress()
        {
            AtResult r = Run("AT+CNACT?", "+CNACT:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return false;
            }

            for (int i = 0; i < r.Lines.Length; i++)
            {
                if (!r.Lines[i].StartsWith("+CNACT:"))
                {
                    continue;
                }

                string[] f = AtText.SplitFields(r.Lines[i].Substring(7));
                if (f.Length >= 3 && f[0] == "0" && f[1] == "1" && f[2].Length > 0 && f[2] != "0.0.0.0")
                {
                    _state.IpAddress = f[2];
                    return true;
                }
            }

            return false;
        }

        /// <summary>Turns on network time updates; true when the setting changed (a restart is needed).</summary>
        /// <returns>Whether the modem must restart for it to take effect.</returns>
        internal bool EnableNetworkTime()
        {
            // Saved by the modem, effective after its next restart (MAN §3.2.20; MQN §5.2).
            if (QueryInt("AT+CLTS?", "+CLTS:") == 1)
            {
                return false;
            }

            return Run("AT+CLTS=1", null, Sim7080Timing.CommandMs).IsOk;
        }

        private ModemResult PdpFail(AtResult r)
        {
            ModemResult m = ModemCommands.Fail(r);
            return m == ModemResult.Error ? ModemResult.PdpFailed : m;
        }
    }
}
