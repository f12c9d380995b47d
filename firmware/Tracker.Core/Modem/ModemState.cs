namespace Tracker.Core.Modem
{
    /// <summary>
    /// What the <see cref="Sim7080Modem"/> driver knows of the modem, in three layers, each lost with
    /// the one above it: the modem's boot (echo off, verbose errors, the NO_SAVE TLS settings), the
    /// bearer (the PDP context and its address), and the MQTT session. A restart of the modem clears
    /// all three (<see cref="ForgetBoot"/>); the driver then redoes what was lost.
    /// </summary>
    internal sealed class ModemState
    {
        /// <summary>Creates the state of a modem not yet seen.</summary>
        internal ModemState()
        {
            IpAddress = string.Empty;
            SubHex = true;
            EchoBaseline = -1;
            Registration = RegistrationStatus.Unknown;
        }

        /// <summary>Boot layer: the per-boot settings are in place.</summary>
        internal bool Configured { get; set; }

        /// <summary>Boot layer: URCs a boot sends (<c>+CFUN: 1</c>, <c>+CPIN: READY</c>, <c>SMS Ready</c>) are expected now and are no restart.</summary>
        internal bool ExpectBootUrcs { get; set; }

        /// <summary>Boot layer: the driver is restarting or powering off the modem itself.</summary>
        internal bool SelfRestart { get; set; }

        /// <summary>Boot layer: subscription payloads arrive in hex (<c>SUBHEX</c> was accepted, or not yet refused).</summary>
        internal bool SubHex { get; set; }

        /// <summary>Boot layer: the channel's echo count after <c>ATE0</c>; echo after it means the modem restarted (-1: not set).</summary>
        internal long EchoBaseline { get; set; }

        /// <summary>Incremented by every restart the driver notices or causes: an operation that sees it change lost its modem midway.</summary>
        internal int Epoch { get; private set; }

        /// <summary>The last registration status read (<see cref="RegistrationStatus.Unknown"/> after a restart).</summary>
        internal RegistrationStatus Registration { get; set; }

        /// <summary>Bearer layer: the PDP context is active.</summary>
        internal bool PdpActive { get; set; }

        /// <summary>Bearer layer: the network deactivated the context since the last activation.</summary>
        internal bool PdpDeactivated { get; set; }

        /// <summary>Bearer layer: the context's IP address, or empty.</summary>
        internal string IpAddress { get; set; }

        /// <summary>Session layer: the MQTT session is up.</summary>
        internal bool MqttConnected { get; set; }

        /// <summary>Modem restarts noticed while something was set up.</summary>
        internal long RestartsDetected { get; private set; }

        /// <summary>The modem restarted: counted when unexpected and something was set up, then every layer is forgotten.</summary>
        /// <param name="unexpected">False when the driver caused it.</param>
        internal void OnRestart(bool unexpected)
        {
            if (unexpected && (Configured || PdpActive || MqttConnected || EchoBaseline >= 0))
            {
                RestartsDetected++;
            }

            ForgetBoot();
        }

        /// <summary>Forgets every layer (the modem restarted, or was switched off or on).</summary>
        internal void ForgetBoot()
        {
            Epoch++;
            Configured = false;
            PdpActive = false;
            MqttConnected = false;
            EchoBaseline = -1;
            ExpectBootUrcs = true;
            SubHex = true;
            IpAddress = string.Empty;
            Registration = RegistrationStatus.Unknown;
        }

        /// <summary>The network took the bearer away (<c>+APP PDP: 0,DEACTIVE</c>): the session goes with it.</summary>
        internal void BearerLost()
        {
            PdpActive = false;
            PdpDeactivated = true;
            MqttConnected = false;
            IpAddress = string.Empty;
        }
    }
}
