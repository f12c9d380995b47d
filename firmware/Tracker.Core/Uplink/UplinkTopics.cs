namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The car's MQTT topics. The topic carries the thing name, and the thing name is the car id
    /// (DESIGN.md, "The data path", step 5), so an IoT policy can bind a connection to its own topics
    /// with <c>${iot:Connection.Thing.ThingName}</c>. Immutable; built and validated once.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>tracker/{car}/fixes</c>: fix batches (Wire format), QoS 1. With a Basic Ingest rule
    /// name, <c>$aws/rules/{rule}/tracker/{car}/fixes</c> instead: the message goes straight to that
    /// rule without the broker's messaging charge (AWS IoT developer guide, "Reducing messaging costs
    /// with Basic Ingest").</item>
    /// <item><c>tracker/{car}/status</c>: status messages (<see cref="StatusCodec"/>), QoS 1, and the
    /// last will. Always the plain topic: a will cannot be a Basic Ingest topic, and keeping online
    /// and offline on one topic lets one rule or subscriber see both.</item>
    /// <item><c>tracker/{car}/live</c>: control messages to the car (subscribed, QoS 1): "watch for N
    /// seconds".</item>
    /// </list>
    /// Every topic is at most <see cref="MaxTopicLength"/> characters.
    /// </remarks>
    public sealed class UplinkTopics
    {
        /// <summary>
        /// The longest topic: the SIM7080G's <c>AT+SMPUB</c> takes at most 128 characters (SIM7080
        /// AT manual §17, in reference/sim7080-mqtt-at.md), below AWS IoT's 256 bytes. One limit for
        /// every link keeps a car id valid on all of them.
        /// </summary>
        public const int MaxTopicLength = 128;

        /// <summary>The longest thing name AWS IoT accepts.</summary>
        public const int MaxThingNameLength = 128;

        /// <summary>The longest rule name AWS IoT accepts.</summary>
        public const int MaxRuleNameLength = 128;

        private UplinkTopics(string carId, string? ingestRule)
        {
            CarId = carId;
            IngestRule = ingestRule;
            string plain = "tracker/" + carId + "/";
            Status = plain + "status";
            Live = plain + "live";
            Fixes = ingestRule == null ? plain + "fixes" : string.Concat("$aws/rules/", ingestRule, "/", plain + "fixes");
        }

        /// <summary>The car id, which is the MQTT client id and the AWS IoT thing name.</summary>
        public string CarId { get; }

        /// <summary>The Basic Ingest rule name, or null when fixes go to the plain topic.</summary>
        public string? IngestRule { get; }

        /// <summary>Where fix batches are published.</summary>
        public string Fixes { get; }

        /// <summary>Where status messages are published, and the topic of the last will.</summary>
        public string Status { get; }

        /// <summary>The control topic the car subscribes to.</summary>
        public string Live { get; }

        /// <summary>Builds the topics, or says why the car id or rule name is not valid.</summary>
        /// <param name="carId">The car id: an AWS IoT thing name, 1 to 128 of <c>a-z A-Z 0-9 : _ -</c>.</param>
        /// <param name="ingestRule">A Basic Ingest rule name (1 to 128 of <c>a-z A-Z 0-9 _</c>), or null for plain topics.</param>
        /// <param name="topics">The topics, or null.</param>
        /// <param name="error">Empty on success; otherwise a message that names the bad value.</param>
        /// <returns>True when valid. Never throws.</returns>
        public static bool TryCreate(string? carId, string? ingestRule, out UplinkTopics? topics, out string error)
        {
            topics = null;
            if (!IsValidThingName(carId))
            {
                error = "car id '" + Quote(carId) + "' is not a valid AWS IoT thing name: 1 to 128 characters of a-z A-Z 0-9 : _ -";
                return false;
            }

            if (ingestRule != null && !IsValidRuleName(ingestRule))
            {
                error = "ingest rule '" + Quote(ingestRule) + "' is not a valid AWS IoT rule name: 1 to 128 characters of a-z A-Z 0-9 _";
                return false;
            }

            UplinkTopics built = new UplinkTopics(carId!, ingestRule);
            if (built.Fixes.Length > MaxTopicLength || built.Status.Length > MaxTopicLength)
            {
                error = string.Concat(new string[]
                {
                    "topic '", Quote(built.Fixes), "' is longer than ", MaxTopicLength.ToString(),
                    " characters (the SIM7080G AT+SMPUB limit): shorten the car id or the ingest rule name",
                });
                return false;
            }

            topics = built;
            error = string.Empty;
            return true;
        }

        /// <summary>Builds the topics; for values already validated (throws otherwise).</summary>
        /// <param name="carId">The car id.</param>
        /// <param name="ingestRule">The Basic Ingest rule name, or null.</param>
        /// <returns>The topics.</returns>
        /// <exception cref="System.ArgumentException">A value is not valid; the message says why.</exception>
        public static UplinkTopics Create(string carId, string? ingestRule)
        {
            UplinkTopics? topics;
            string error;
            if (!TryCreate(carId, ingestRule, out topics, out error))
            {
                throw new System.ArgumentException(error);
            }

            return topics!;
        }

        /// <summary>
        /// True for an AWS IoT thing name: 1 to 128 characters of <c>[a-zA-Z0-9:_-]</c> (AWS IoT API
        /// reference, CreateThing, thingName pattern).
        /// </summary>
        /// <param name="name">The candidate.</param>
        /// <returns>Whether it is valid.</returns>
        public static bool IsValidThingName(string? name)
        {
            if (name == null || name.Length < 1 || name.Length > MaxThingNameLength)
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (!IsAlphanumeric(c) && c != ':' && c != '_' && c != '-')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True for an AWS IoT rule name: 1 to 128 characters of <c>[a-zA-Z0-9_]</c> (AWS IoT API
        /// reference, CreateTopicRule, ruleName pattern).
        /// </summary>
        /// <param name="name">The candidate.</param>
        /// <returns>Whether it is valid.</returns>
        public static bool IsValidRuleName(string? name)
        {
            if (name == null || name.Length < 1 || name.Length > MaxRuleNameLength)
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (!IsAlphanumeric(c) && c != '_')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAlphanumeric(char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        // Shortens what is quoted back, so a binary value makes a short message.
        private static string Quote(string? text)
        {
            if (text == null)
            {
                return string.Empty;
            }

            return text.Length <= 40 ? text : text.Substring(0, 40) + "...";
        }
    }
}
