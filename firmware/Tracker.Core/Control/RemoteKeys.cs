using Tracker.Core.Config;
using Tracker.Core.Reporting;

namespace Tracker.Core.Control
{
    /// <summary>
    /// Which keys of tracker.conf the device shadow may set, when each takes effect, and the JSON type
    /// of its value (README.md §1). Derived from the keys' one declaration (<see cref="TrackerSetting"/>,
    /// <see cref="ReportSetting"/>) by their prefix, so a key added there is classified here too.
    /// </summary>
    public static class RemoteKeys
    {
        /// <summary>The class of <paramref name="key"/>.</summary>
        /// <param name="key">A key of tracker.conf.</param>
        /// <returns>Its class; <see cref="RemoteClass.Unknown"/> for a key neither declaration has.</returns>
        public static RemoteClass ClassOf(string key)
        {
            if (key == null)
            {
                throw new System.ArgumentNullException(nameof(key));
            }

            // A report.* key is the report loader's (TrackerConfigDraft.IsReportKey); no tracker key has that prefix, so
            // asking ReportSetting first classifies the same keys without the draft, which the cloud's contract lacks.
            if (ReportSetting.IndexOf(key) >= 0)
            {
                return RemoteClass.Live;
            }

            if (TrackerSetting.IndexOf(key) < 0)
            {
                return RemoteClass.Unknown;
            }

            if (key.StartsWith("uplink."))
            {
                return RemoteClass.Live;
            }

            if (key == TrackerSetting.CarId.Key || key == TrackerSetting.MqttEndpoint.Key || key.StartsWith("tls.")
                || key == TrackerSetting.CellPassword.Key || key == TrackerSetting.CellSimPin.Key || key == TrackerSetting.WifiPassword.Key)
            {
                return RemoteClass.ProvisioningOnly;
            }

            return RemoteClass.Restart;
        }

        /// <summary>The JSON type of <paramref name="key"/>'s value (a number for a key it does not know, as every report.* key is one).</summary>
        /// <param name="key">A key of tracker.conf.</param>
        /// <returns>The type the shadow carries it in.</returns>
        public static RemoteValueType ValueTypeOf(string key)
        {
            if (key == null)
            {
                throw new System.ArgumentNullException(nameof(key));
            }

            int index = TrackerSetting.IndexOf(key);
            if (index < 0)
            {
                return RemoteValueType.Number;
            }

            TrackerSetting setting = TrackerSetting.At(index);
            if (setting.Kind == SettingKind.Text)
            {
                return RemoteValueType.String;
            }

            if (setting.Kind == SettingKind.Choice)
            {
                string[] choices = setting.Choices!;
                return choices.Length == 2 && choices[0] == "false" && choices[1] == "true" ? RemoteValueType.Boolean : RemoteValueType.String;
            }

            return RemoteValueType.Number;
        }

        /// <summary>Whether the draft reads <paramref name="key"/>'s string value as quoted text (a text key) or bare (a choice).</summary>
        /// <param name="key">A key whose <see cref="ValueTypeOf"/> is <see cref="RemoteValueType.String"/>.</param>
        /// <returns>True for a text key.</returns>
        public static bool IsText(string key)
        {
            int index = TrackerSetting.IndexOf(key);
            return index >= 0 && TrackerSetting.At(index).Kind == SettingKind.Text;
        }
    }
}
