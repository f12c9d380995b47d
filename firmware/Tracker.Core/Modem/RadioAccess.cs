namespace Tracker.Core.Modem
{
    /// <summary>
    /// Which LTE flavour the SIM7080G may use: the value of <c>AT+CMNB</c> (MAN §5; the mode is set
    /// with <c>AT+CNMP=38</c>, LTE only, and both settings are saved by the modem).
    /// </summary>
    public enum RadioAccess
    {
        /// <summary>LTE-M (CAT-M1) only: <c>AT+CMNB=1</c>. Mobility and latency suit a car.</summary>
        LteM = 1,

        /// <summary>NB-IoT only: <c>AT+CMNB=2</c>.</summary>
        NbIot = 2,

        /// <summary>Either, the modem chooses: <c>AT+CMNB=3</c>.</summary>
        Both = 3,
    }
}
