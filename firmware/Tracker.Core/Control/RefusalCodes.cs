using Tracker.Core.Config;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The codes a refusal is reported with in <c>reported.cfgErr.code</c>: the loader's
    /// <see cref="TrackerConfigError"/> names, and the shadow's own; and the update agent's
    /// <see cref="BadImage"/> (a job's <c>statusDetails.reason</c>). Written out here because
    /// nanoFramework's <c>Enum.ToString</c> gives the number, not the name.
    /// </summary>
    public static class RefusalCodes
    {
        /// <summary>The delta is not JSON the car reads, or is over the size limit.</summary>
        public const string Malformed = "Malformed";

        /// <summary>A key only the provisioning tool sets (car.id, mqtt.endpoint, tls.*).</summary>
        public const string ProvisioningOnly = "ProvisioningOnly";

        /// <summary>A value in another JSON type than its key's one type.</summary>
        public const string BadType = "BadType";

        /// <summary>
        /// Restart keys whose trial boot did not connect the uplink in its window (or whose boots crashed before it
        /// did): the car went back to the generation last proven (README.md §1, "Restart-needing settings").
        /// </summary>
        public const string NotConfirmed = "NotConfirmed";

        /// <summary>The flash write failed.</summary>
        public const string Storage = "Storage";

        /// <summary>
        /// An update image whose digest and signature hold but whose manifest the loader would refuse
        /// (<see cref="UpdateCheck.BadImage"/>): the job ends REJECTED with it, and the problem in words.
        /// </summary>
        public const string BadImage = "BadImage";

        /// <summary>The name of a loader error.</summary>
        /// <param name="error">The error.</param>
        /// <returns>Its name, as the enum declares it.</returns>
        public static string NameOf(TrackerConfigError error)
        {
            switch (error)
            {
                case TrackerConfigError.None:
                    return "None";
                case TrackerConfigError.MissingEquals:
                    return "MissingEquals";
                case TrackerConfigError.EmptyKey:
                    return "EmptyKey";
                case TrackerConfigError.UnknownKey:
                    return "UnknownKey";
                case TrackerConfigError.DuplicateKey:
                    return "DuplicateKey";
                case TrackerConfigError.BadNumber:
                    return "BadNumber";
                case TrackerConfigError.OutOfRange:
                    return "OutOfRange";
                case TrackerConfigError.Inconsistent:
                    return "Inconsistent";
                case TrackerConfigError.MissingKey:
                    return "MissingKey";
                case TrackerConfigError.BadText:
                    return "BadText";
                case TrackerConfigError.BadChoice:
                    return "BadChoice";
                case TrackerConfigError.EmptyValue:
                    return "EmptyValue";
                case TrackerConfigError.BadQuotes:
                    return "BadQuotes";
                default:
                    return "Error" + ((int)error).ToString();
            }
        }
    }
}
