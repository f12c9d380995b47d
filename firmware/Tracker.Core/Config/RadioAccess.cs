namespace Tracker.Core.Config
{
    /// <summary>
    /// Which LTE radio access the SIM7080G may use (<c>AT+CMNB</c>: 1 Cat-M, 2 NB-IoT, 3 both; SIM7080
    /// AT manual). The values are the positions in <c>cell.rat</c>'s choices.
    /// </summary>
    public enum RadioAccess
    {
        /// <summary>LTE Cat-M1 only (<c>ltem</c>): connected-mode mobility, lower latency; the default for a car.</summary>
        LteM = 0,

        /// <summary>NB-IoT only (<c>nbiot</c>): better coverage indoors, but no handover while connected (3GPP Rel-13).</summary>
        NbIot = 1,

        /// <summary>Either (<c>both</c>): the modem chooses.</summary>
        Both = 2,
    }
}
