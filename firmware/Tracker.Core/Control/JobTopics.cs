namespace Tracker.Core.Control
{
    /// <summary>
    /// The AWS IoT Jobs MQTT topics for one car (IoT Core developer guide, "Jobs device MQTT API"):
    /// <c>$aws/things/{thingName}/jobs/...</c>, the thing name being car.id. The car subscribes to
    /// <see cref="NotifyNext"/>, <see cref="NextGetAccepted"/> and its executions' update answers
    /// (one wildcard level for the job id), and publishes <see cref="NextGet"/> and <see cref="Update"/>.
    /// </summary>
    public sealed class JobTopics
    {
        private readonly string _root;

        /// <summary>Builds the topics of <paramref name="carId"/>.</summary>
        /// <param name="carId">The car id (the thing name).</param>
        public JobTopics(string carId)
        {
            _root = ThingTopics.Root(carId, "jobs");
            NotifyNext = _root + "notify-next";
            NextGet = _root + "$next/get";
            NextGetAccepted = _root + "$next/get/accepted";
            NextGetRejected = _root + "$next/get/rejected";
            UpdateAcceptedFilter = _root + "+/update/accepted";
            UpdateRejectedFilter = _root + "+/update/rejected";
        }

        /// <summary>Where IoT Jobs announces the car's next pending execution (or that there is none).</summary>
        public string NotifyNext { get; }

        /// <summary>Where the car asks for its next pending execution.</summary>
        public string NextGet { get; }

        /// <summary>The answer to <see cref="NextGet"/>.</summary>
        public string NextGetAccepted { get; }

        /// <summary>The refusal of <see cref="NextGet"/>.</summary>
        public string NextGetRejected { get; }

        /// <summary>Every execution's accepted status update (one <c>+</c> for the job id).</summary>
        public string UpdateAcceptedFilter { get; }

        /// <summary>Every execution's refused status update.</summary>
        public string UpdateRejectedFilter { get; }

        /// <summary>Where the car updates an execution's status.</summary>
        /// <param name="jobId">The job.</param>
        /// <returns>The topic.</returns>
        public string Update(string jobId)
        {
            return _root + jobId + "/update";
        }

        /// <summary>
        /// Reads an update answer's topic: <c>$aws/things/{car}/jobs/{jobId}/update/accepted|rejected</c>.
        /// </summary>
        /// <param name="topic">The topic.</param>
        /// <param name="jobId">The job id, or empty.</param>
        /// <param name="accepted">True for accepted, false for rejected.</param>
        /// <returns>True when the topic is one of this car's update answers.</returns>
        public bool TryParseUpdateAnswer(string topic, out string jobId, out bool accepted)
        {
            jobId = string.Empty;
            accepted = false;
            if (topic == null || !topic.StartsWith(_root))
            {
                return false;
            }

            const string AcceptedTail = "/update/accepted";
            const string RejectedTail = "/update/rejected";
            string tail;
            if (topic.EndsWith(AcceptedTail))
            {
                tail = AcceptedTail;
                accepted = true;
            }
            else if (topic.EndsWith(RejectedTail))
            {
                tail = RejectedTail;
            }
            else
            {
                return false;
            }

            int length = topic.Length - _root.Length - tail.Length;
            if (length < 1)
            {
                return false;
            }

            jobId = topic.Substring(_root.Length, length);
            return jobId.IndexOf('/') < 0;
        }
    }
}
