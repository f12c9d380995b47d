namespace Tracker.Core.Modem
{
    /// <summary>The outcome of a <see cref="Sim7080Modem"/> operation. A value, never an exception.</summary>
    public enum ModemResult
    {
        /// <summary>Done.</summary>
        Ok = 0,

        /// <summary>The modem did not answer in time.</summary>
        Timeout = 1,

        /// <summary>The modem answered <c>ERROR</c> or <c>+CME ERROR</c> (see <see cref="Sim7080Modem.LastFailure"/>).</summary>
        Error = 2,

        /// <summary>The modem does not answer <c>AT</c>, even after PWRKEY pulses.</summary>
        NotResponding = 3,

        /// <summary>No SIM card (<c>+CME ERROR: SIM not inserted</c>).</summary>
        NoSim = 4,

        /// <summary>The SIM wants a PIN and none is configured.</summary>
        SimPinRequired = 5,

        /// <summary>The configured PIN was rejected. It is never tried again, so the SIM does not lock.</summary>
        SimPinRejected = 6,

        /// <summary>The SIM is locked and wants its PUK.</summary>
        SimPukRequired = 7,

        /// <summary>The network denied registration (<c>+CEREG</c> stat 3).</summary>
        RegistrationDenied = 8,

        /// <summary>Not registered before the deadline.</summary>
        NotRegistered = 9,

        /// <summary>The PDP context (data bearer) could not be activated.</summary>
        PdpFailed = 10,

        /// <summary>Writing a certificate or key to the modem's file system failed.</summary>
        FileWriteFailed = 11,

        /// <summary>The modem rejected the certificate, key or CA (<c>CONVERT</c> failed).</summary>
        CertificateRejected = 12,

        /// <summary><c>AT+SMCONN</c> failed: DNS, TCP, TLS or the broker's CONNACK.</summary>
        ConnectFailed = 13,

        /// <summary>The MQTT session is not up.</summary>
        NotConnected = 14,

        /// <summary>The modem restarted (or lost power) and lost its session state.</summary>
        Restarted = 15,

        /// <summary>The request cannot be sent to this modem (topic or payload too long, bad characters).</summary>
        Invalid = 16,
    }
}
