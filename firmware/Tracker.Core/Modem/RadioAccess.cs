namespace Tracker.Core.Modem
{
    /// <summary>
    /// Which LTE flavour the SIM7080G may use: the value of <c>AT+CMNB</c> (MAN §5; the mode is set
    /// with <c>AT+CNMP=38</c>, LTE only, and both settings are saved by the modem). The one
    /// definition: the config key <c>cell.rat</c> (<c>ltem</c>, <c>nbiot</c>, <c>both</c>) reads into
    /// it and the driver sends its number.
    /// </summary>
    public enum RadioAccess
    {
        /// <summary>LTE-M (CAT-M1) only (<c>ltem</c>): <c>AT+CMNB=1</c>. Connected-mode mobility and lower latency: the default for a car.</summary>
        LteM = 1,

        /// <summary>NB-IoT only (<c>nbiot</c>): <c>AT+CMNB=2</c>. Better coverage indoors, but no handover while connected (3GPP Rel-13).</summary>
        NbIot = 2,

        /// <summary>Either (<c>both</c>), the modem chooses: <c>AT+CMNB=3</c>.</summary>
        Both = 3,
    }
}
