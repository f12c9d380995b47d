namespace Tracker.Core.Modem
{
    /// <summary>
    /// The modem's PWRKEY input. The SIM7080G powers on (or off) when PWRKEY is held low for about a
    /// second; boards drive it through a transistor, so "pressed" is the GPIO level that pulls
    /// PWRKEY low. On the LilyGO T-SIM7080G-S3 that is GPIO 41 driven HIGH (LG README and examples:
    /// LOW 100 ms, HIGH 1000 ms, LOW; see sim7080-mqtt-at.md §9).
    /// </summary>
    public interface IPowerKey
    {
        /// <summary>Presses (true) or releases (false) the key.</summary>
        /// <param name="pressed">True to pull PWRKEY low.</param>
        void SetPressed(bool pressed);
    }
}
