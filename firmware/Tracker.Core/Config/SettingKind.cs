namespace Tracker.Core.Config
{
    /// <summary>What kind of value a <see cref="TrackerSetting"/> takes.</summary>
    public enum SettingKind
    {
        /// <summary>A whole decimal number within the setting's range (pins: a GPIO number, or -1 for none).</summary>
        Integer = 0,

        /// <summary>Text, bare or in double quotes, checked by the setting's <see cref="TextRule"/> and length.</summary>
        Text = 1,

        /// <summary>One of the setting's <see cref="TrackerSetting.Choices"/>, exactly as written there.</summary>
        Choice = 2,
    }
}
