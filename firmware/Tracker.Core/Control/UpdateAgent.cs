using Tracker.Core.Common;
using Tracker.Core.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The car's IoT Jobs agent for application updates (Control/README.md §2), on the car's one MQTT
    /// connection: an <see cref="IMqttLink"/> between the uplink stages and the link, as
    /// <see cref="ControlLink"/> is. On every connection it subscribes to <c>jobs/notify-next</c>,
    /// <c>jobs/$next/get/accepted</c> and its executions' update answers, and asks for its next job.
    /// A job is marked IN_PROGRESS, its image downloaded a range at a time (<see cref="StagedDownload"/>,
    /// resumable), verified (<see cref="UpdateVerifier"/>), installed (<see cref="ImageStore"/>) and staged
    /// as the loader's candidate (<see cref="BootStateStore"/>); the app then reboots into it. The job is
    /// reported SUCCEEDED only once the new version confirmed its health (<see cref="Confirm"/>); FAILED
    /// with <c>Digest</c> for a corrupted image, REJECTED with <c>Signature</c> for one the fleet key did not
    /// sign, REJECTED with <c>BadImage</c> for a signed one whose manifest the loader would refuse
    /// (<see cref="StagedManifest"/>), FAILED with <c>NotConfirmed</c> when the loader fell back. Every status carries the version
    /// the car runs. Its own messages and completions are taken out of the streams the uplink engine
    /// sees. Single-threaded (the main loop's); never throws on bad input.
    /// </summary>
    /// <remarks>
    /// The switch's order makes every power cut safe: (1) the image is installed under a temporary name
    /// and renamed; (2) the boot state gets the candidate; (3) the agent's record says "switch". A cut
    /// before (2) verifies and installs again; between (2) and (3) the loader already runs the candidate,
    /// and the agent repairs its record at start; after (3) the record and the boot state tell the
    /// outcome: confirmed (SUCCEEDED), on trial (wait), or dropped by the loader (FAILED).
    /// </remarks>
    public sealed class UpdateAgent : IMqttLink
    {
        /// <summary>Refusals of the image's URL (expired or gone) in a row before the job fails.</summary>
        public const int MaxRefusals = 3;

        /// <summary>Flash failures in a row before the job fails.</summary>
        public const int MaxStorageFailures = 20;

        /// <summary>
        /// Ranges in a row, asked while connected, that bring no byte before the job fails <c>Stalled</c>: a job whose
        /// size is larger than the image its URL serves ends each try one range short, and a host that never answers
        /// never moves; neither may hold the job IN_PROGRESS for ever. A link that drops again and again still
        /// moves between drops (the rollout tests cut 40 ranges in a row).
        /// </summary>
        public const int MaxStalledRanges = 100;

        /// <summary>The longest problem text sent with a refused job (<c>statusDetails.problem</c>).</summary>
        public const int MaxProblemLength = 160;

        private const string PhaseDownload = "download";
        private const string PhaseSwitch = "switch";

        private static readonly string[] RecordKeys = new string[] { "job", "version", "phase" };

        private readonly IMqttLink _inner;
        private readonly IFlashFileSystem _fs;
        private readonly string _staging;
        private readonly byte[] _modulus;
        private readonly IUpdateTransport _transport;
        private readonly JobTopics _topics;
        private readonly ImageStore _images;
        private readonly BootStateStore _boot;
        private readonly CheckedFileStore _record;
        private string _recordJob = string.Empty;
        private string _recordVersion = string.Empty;
        private string _recordPhase = string.Empty;
        private UpdateJob? _job;
        private int _executionVersion;
        private StagedDownload? _download;
        private IRangeSource? _source;
        private string _sourceUrl = string.Empty;
        private bool _waitingForUrl;
        private int _refusals;
        private int _storageFailures;
        private int _stalledRanges;
        private bool _getDue;
        private int _getId;
        private bool _statusDue;
        private bool _awaitingAnswer;
        private int _statusId;
        private string _statusJob = string.Empty;
        private string _status = string.Empty;
        private string _statusReason = string.Empty;
        private string _statusStep = string.Empty;
        private string _statusProblem = string.Empty;
        private bool _statusTerminal;
        private bool _rebootRequested;

        /// <summary>Wraps <paramref name="inner"/>, reading what a previous boot left on flash.</summary>
        /// <param name="inner">The link (the caller keeps it).</param>
        /// <param name="carId">The car id (the thing name).</param>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The update area (<c>I:\app</c> on the device): <c>staging</c>, <c>images</c>, <c>boot</c>, <c>job</c>.</param>
        /// <param name="modulus">The fleet's code-signing public key (from the car's bundle).</param>
        /// <param name="transport">Opens an image's URL.</param>
        /// <param name="runningVersion">The version the loader chose at this boot (<see cref="Boot"/>), or the built-in one's.</param>
        public UpdateAgent(IMqttLink inner, string carId, IFlashFileSystem fs, string directory, byte[] modulus, IUpdateTransport transport, string runningVersion)
        {
            if (inner == null || carId == null || fs == null || directory == null || modulus == null || transport == null || runningVersion == null)
            {
                throw new System.ArgumentNullException(inner == null ? nameof(inner) : carId == null ? nameof(carId) : fs == null ? nameof(fs)
                    : directory == null ? nameof(directory) : modulus == null ? nameof(modulus) : transport == null ? nameof(transport) : nameof(runningVersion));
            }

            _inner = inner;
            _fs = fs;
            _modulus = modulus;
            _transport = transport;
            _topics = new JobTopics(carId);
            _staging = fs.Combine(directory, "staging");
            _images = new ImageStore(fs, fs.Combine(directory, "images"));
            _boot = new BootStateStore(fs, fs.Combine(directory, "boot"));
            _record = new CheckedFileStore(fs, fs.Combine(directory, "job"), "job.");
            RunningVersion = runningVersion;
            LastReason = string.Empty;
            LoadRecord();
            BootState boot = _boot.Load();
            if (_recordPhase == PhaseDownload && _recordVersion.Length > 0 && boot.Candidate == _recordVersion)
            {
                // A cut between staging the candidate and recording the switch: the candidate is what runs now.
                SaveRecord(_recordJob, _recordVersion, PhaseSwitch);
            }

            Phase = _recordPhase == PhaseSwitch
                ? (boot.Candidate == _recordVersion && runningVersion == _recordVersion ? UpdatePhase.Confirming : UpdatePhase.Switching)
                : UpdatePhase.Idle;
            if (Phase == UpdatePhase.Switching && boot.Candidate == _recordVersion)
            {
                // Staged, and this boot did not run it (the app was started before the loader chose): reboot into it.
                _rebootRequested = true;
            }
        }

        /// <summary>
        /// The loader's step at boot (<see cref="LoadPlan.Decide"/>): chooses the image to run and commits the next boot
        /// state. On the device the loader app does this and starts the application with the version; a host's
        /// simulated car calls it at each of its boots.
        /// </summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The update area (as the agent's).</param>
        /// <param name="reason">Why that image.</param>
        /// <returns>The version to run (its manifest's); empty for the built-in application.</returns>
        public static string Boot(IFlashFileSystem fs, string directory, out BootReason reason)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            // The loader app's own decision (manifest, every assembly's SHA-256, the whole image's), so a host that runs
            // the agent boots exactly what the device's loader would; the version is the one the checked manifest names.
            LoadPlan plan = LoadPlan.Decide(fs, directory);
            reason = plan.Reason;
            return plan.Image != null ? plan.Image.Version : string.Empty;
        }

        /// <summary>The version this boot runs.</summary>
        public string RunningVersion { get; }

        /// <summary>Where the agent stands.</summary>
        public UpdatePhase Phase { get; private set; }

        /// <summary>The job in hand, or empty.</summary>
        public string JobId
        {
            get { return _job != null ? _job.JobId : _recordJob; }
        }

        /// <summary>Bytes of the image on flash.</summary>
        public int DownloadedBytes
        {
            get { return _download != null ? _download.StoredBytes : 0; }
        }

        /// <summary>Ranges cut short by the link so far.</summary>
        public int Interruptions { get; private set; }

        /// <summary>Job messages that could not be read (the problem is in <see cref="LastReason"/>).</summary>
        public int MalformedJobs { get; private set; }

        /// <summary>Jobs that ended SUCCEEDED, as accepted by IoT Jobs.</summary>
        public int Succeeded { get; private set; }

        /// <summary>Jobs that ended FAILED or REJECTED, as accepted by IoT Jobs.</summary>
        public int Failed { get; private set; }

        /// <summary>The reason of the last failure or refusal (Digest, Signature, BadImage, NotConfirmed, Refused, Storage, Stalled, Transport, BadDocument; BadImage and BadDocument followed by the problem), or a malformed job's problem.</summary>
        public string LastReason { get; private set; }

        /// <summary>True while the running version is on trial (it must call <see cref="Confirm"/> once healthy).</summary>
        public bool OnTrial
        {
            get { return _boot.Load().Candidate == RunningVersion && RunningVersion.Length > 0; }
        }

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { return _inner.IsConnected; }
        }

        /// <inheritdoc/>
        public int HeardFromBroker
        {
            get { return _inner.HeardFromBroker; }
        }

        /// <summary>True once when the app must reboot (into a staged candidate); the flag clears.</summary>
        /// <returns>True when a reboot is due.</returns>
        public bool TakeReboot()
        {
            bool due = _rebootRequested;
            _rebootRequested = false;
            return due;
        }

        /// <summary>
        /// The running version confirms its health (a GNSS fix read and the uplink connected, within its
        /// window): the loader keeps it, the old version becomes the fall-back, and the job is reported SUCCEEDED.
        /// </summary>
        /// <returns>True when a trial was confirmed now.</returns>
        public bool Confirm()
        {
            BootState boot = _boot.Load();
            if (RunningVersion.Length == 0 || boot.Candidate != RunningVersion)
            {
                return false;
            }

            BootState confirmed = boot.Confirm();
            if (!_boot.Save(confirmed))
            {
                return false;
            }

            _images.Prune(confirmed.Confirmed, confirmed.Previous);
            if (_recordPhase == PhaseSwitch && _recordVersion == RunningVersion)
            {
                Queue(_recordJob, "SUCCEEDED", string.Empty, string.Empty, true);
            }

            Phase = UpdatePhase.Reporting;
            return true;
        }

        /// <summary>One pass of the agent: sends what is due and downloads one range. Call it from the main loop.</summary>
        public void Step()
        {
            Pump();
            if (Phase != UpdatePhase.Downloading || _download == null || _job == null || _waitingForUrl || !_inner.IsConnected)
            {
                return;
            }

            if (_job.Url.Length == 0)
            {
                Finish("FAILED", "NoUrl");
                return;
            }

            if (_source == null || _sourceUrl != _job.Url)
            {
                CloseSource();
                try
                {
                    _source = _transport.Open(_job.Url);
                }
                catch (System.Exception)
                {
                    // The URL passed the job reader's rule (ImageUrl), so a transport that cannot take it will not later either.
                    Finish("FAILED", "Transport");
                    return;
                }

                _sourceUrl = _job.Url;
            }

            DownloadStep step = _download.Step(_source);
            if (step == DownloadStep.Progress)
            {
                _storageFailures = 0;
                _refusals = 0;
                _stalledRanges = 0;
            }
            else if (step == DownloadStep.Interrupted)
            {
                Interruptions++;
                if (++_stalledRanges > MaxStalledRanges)
                {
                    Finish("FAILED", "Stalled");
                    return;
                }
            }
            else if (step == DownloadStep.Refused)
            {
                // The URL expired or the image is gone: ask IoT Jobs again, whose answer carries a fresh URL.
                CloseSource();
                if (++_refusals > MaxRefusals)
                {
                    Finish("FAILED", "Refused");
                    return;
                }

                _waitingForUrl = true;
                _getDue = true;
            }
            else if (step == DownloadStep.StorageFailed)
            {
                if (++_storageFailures > MaxStorageFailures)
                {
                    Finish("FAILED", "Storage");
                }
            }
            else
            {
                Verify();
            }
        }

        /// <inheritdoc/>
        public LinkResult Connect(MqttConnectOptions options)
        {
            _awaitingAnswer = false;
            _getId = 0;
            _statusId = 0;
            LinkResult result = _inner.Connect(options);
            if (result != LinkResult.Ok)
            {
                return result;
            }

            // Clean session: subscribe on every connection, then ask for the next job (its versionNumber is asked afresh).
            if (_inner.Subscribe(_topics.NotifyNext) == LinkResult.Ok && _inner.Subscribe(_topics.NextGetAccepted) == LinkResult.Ok
                && _inner.Subscribe(_topics.UpdateAcceptedFilter) == LinkResult.Ok)
            {
                _inner.Subscribe(_topics.UpdateRejectedFilter);
            }

            _getDue = true;
            Pump();
            return result;
        }

        /// <inheritdoc/>
        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            return _inner.Publish(topic, payload, offset, count, qos, out messageId);
        }

        /// <inheritdoc/>
        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            while (_inner.TryTakeCompletion(out messageId, out delivered))
            {
                if (messageId != 0 && messageId == _getId)
                {
                    _getId = 0;
                    _getDue = _getDue || !delivered;
                    continue;
                }

                if (messageId != 0 && messageId == _statusId)
                {
                    _statusId = 0;
                    if (!delivered)
                    {
                        _awaitingAnswer = false; // sent again
                    }

                    continue;
                }

                return true;
            }

            Pump();
            return false;
        }

        /// <inheritdoc/>
        public LinkResult Subscribe(string topic)
        {
            return _inner.Subscribe(topic);
        }

        /// <inheritdoc/>
        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            while (_inner.TryTakeMessage(out topic, out payload))
            {
                if (topic == _topics.NotifyNext || topic == _topics.NextGetAccepted)
                {
                    TakeExecution(payload);
                    continue;
                }

                if (topic == _topics.NextGetRejected)
                {
                    continue;
                }

                string jobId;
                bool accepted;
                if (_topics.TryParseUpdateAnswer(topic, out jobId, out accepted))
                {
                    TakeAnswer(jobId, accepted);
                    continue;
                }

                return true;
            }

            Pump();
            return false;
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            _awaitingAnswer = false;
            _inner.Disconnect();
        }

        private void TakeExecution(byte[] payload)
        {
            UpdateJob? job = null;
            string problem = "no payload";
            string refusedJob = string.Empty;
            int refusedVersion = 0;
            if (payload == null || !UpdateJob.TryParse(payload, 0, payload.Length, out job, out problem, out refusedJob, out refusedVersion))
            {
                MalformedJobs++;
                LastReason = "malformed job: " + problem;
                if (refusedJob.Length > 0)
                {
                    RefuseDocument(refusedJob, refusedVersion, problem);
                }

                return;
            }

            OnExecution(job);
        }

        // A well-formed execution whose document this firmware cannot run: REJECTED with the reader's problem, so the
        // job neither waits QUEUED nor stays IN_PROGRESS (IoT Jobs ends a REJECTED execution, and the next job comes).
        private void RefuseDocument(string jobId, int executionVersion, string problem)
        {
            if (_recordPhase == PhaseSwitch && _recordJob == jobId)
            {
                return; // its image is verified and staged: the loader's outcome decides, not a later message
            }

            if (_statusDue && _statusJob != jobId)
            {
                _statusDue = false; // as for a readable job: that one is no longer this car's next
            }

            if (_download != null && _download.JobId != jobId)
            {
                DropDownload();
            }

            _job = UpdateJob.Unreadable(jobId, executionVersion);
            _executionVersion = executionVersion;
            _waitingForUrl = false;
            Finish("REJECTED", "BadDocument", Printable(problem));
        }

        // The problem quotes the document's own text: printable ASCII only (IoT Jobs refuses a status whose JSON is not
        // valid UTF-8, and a refused status would be sent again and again), and at most MaxProblemLength characters.
        private static string Printable(string problem)
        {
            int length = problem.Length > MaxProblemLength ? MaxProblemLength : problem.Length;
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                char c = problem[i];
                chars[i] = c >= ' ' && c <= '~' ? c : '?';
            }

            return length > 0 ? new string(chars) : "unreadable";
        }

        private void OnExecution(UpdateJob? job)
        {
            if (job == null)
            {
                // Nothing pending for this car (the job was canceled, or done): drop a download, keep a switch under way.
                if (Phase == UpdatePhase.Downloading)
                {
                    DropDownload();
                    ClearRecord();
                    Phase = UpdatePhase.Idle;
                }

                _job = null;
                _statusDue = false;
                return;
            }

            if (_statusDue && _statusJob != job.JobId)
            {
                _statusDue = false; // that job is no longer this car's next: its status cannot be reported
            }

            _job = job;
            _executionVersion = job.ExecutionVersion;
            _waitingForUrl = false;
            BootState boot = _boot.Load();
            if (_recordPhase == PhaseSwitch && _recordJob == job.JobId)
            {
                if (boot.Confirmed == job.Version && RunningVersion == job.Version)
                {
                    Queue(job.JobId, "SUCCEEDED", string.Empty, string.Empty, true);
                    Phase = UpdatePhase.Reporting;
                }
                else if (boot.Candidate == job.Version)
                {
                    Phase = RunningVersion == job.Version ? UpdatePhase.Confirming : UpdatePhase.Switching;
                }
                else
                {
                    // The loader dropped the candidate: it never confirmed (or its image broke).
                    LastReason = "NotConfirmed";
                    Queue(job.JobId, "FAILED", "NotConfirmed", string.Empty, true);
                    Phase = UpdatePhase.Reporting;
                }

                return;
            }

            if (job.Version == RunningVersion && boot.Confirmed == job.Version)
            {
                Queue(job.JobId, "SUCCEEDED", string.Empty, string.Empty, true);
                Phase = UpdatePhase.Reporting;
                return;
            }

            if (Phase == UpdatePhase.Downloading && _download != null && _download.JobId == job.JobId)
            {
                if (job.Status == "QUEUED")
                {
                    Queue(job.JobId, "IN_PROGRESS", string.Empty, "download", false);
                }

                return;
            }

            if (_download != null && _download.JobId != job.JobId)
            {
                DropDownload();
            }

            SaveRecord(job.JobId, job.Version, PhaseDownload);
            try
            {
                _download = StagedDownload.Open(_fs, _staging, job.JobId, job.Size, StagedDownload.DefaultChunkBytes);
            }
            catch (System.Exception)
            {
                Finish("FAILED", "Storage");
                return;
            }

            _refusals = 0;
            _storageFailures = 0;
            _stalledRanges = 0;
            Phase = UpdatePhase.Downloading;
            Queue(job.JobId, "IN_PROGRESS", string.Empty, "download", false);
        }

        private void Verify()
        {
            UpdateJob job = _job!;
            byte[]? digest = _download!.Digest();
            UpdateCheck check = UpdateVerifier.Check(digest, job.Sha256, job.Version, job.Signature, _modulus);
            if (check == UpdateCheck.Incomplete)
            {
                _download.Discard(); // not readable back whole: fetched again
                return;
            }

            if (check == UpdateCheck.Digest)
            {
                DropDownload();
                Finish("FAILED", "Digest");
                return;
            }

            if (check == UpdateCheck.Signature)
            {
                DropDownload();
                Finish("REJECTED", "Signature");
                return;
            }

            // Signed is not runnable: the loader reads the manifest at the next boot and would drop the candidate
            // (FAILED NotConfirmed, with no word of why). Read it now with the loader's reader, against the job.
            string problem;
            check = StagedManifest.Check(_download, job.Version, out problem);
            if (check == UpdateCheck.Incomplete)
            {
                _download.Discard();
                return;
            }

            if (check != UpdateCheck.Ok)
            {
                DropDownload();
                Finish("REJECTED", RefusalCodes.BadImage, Printable(problem));
                return;
            }

            if (!_images.Install(_download, job.Version, digest!))
            {
                if (++_storageFailures > MaxStorageFailures)
                {
                    Finish("FAILED", "Storage");
                }

                return;
            }

            if (!_boot.Save(_boot.Load().Stage(job.Version)))
            {
                if (++_storageFailures > MaxStorageFailures)
                {
                    Finish("FAILED", "Storage");
                }

                return;
            }

            SaveRecord(job.JobId, job.Version, PhaseSwitch);
            DropDownload();
            Phase = UpdatePhase.Switching;
            Queue(job.JobId, "IN_PROGRESS", string.Empty, "switching", false);
            _rebootRequested = true;
        }

        private void Finish(string status, string reason)
        {
            Finish(status, reason, string.Empty);
        }

        private void Finish(string status, string reason, string problem)
        {
            LastReason = problem.Length > 0 ? reason + ": " + problem : reason;
            string jobId = _job != null ? _job.JobId : _recordJob;
            DropDownload();
            ClearRecord();
            Queue(jobId, status, reason, string.Empty, problem, true);
            Phase = UpdatePhase.Reporting;
        }

        private void TakeAnswer(string jobId, bool accepted)
        {
            if (!_awaitingAnswer || jobId != _statusJob)
            {
                return;
            }

            _awaitingAnswer = false;
            if (!accepted)
            {
                // A stale expectedVersion, or the job moved on (canceled): ask again; the answer decides what is still due.
                _getDue = true;
                _statusDue = true;
                return;
            }

            _executionVersion++;
            _statusDue = false;
            if (!_statusTerminal)
            {
                return;
            }

            if (_status == "SUCCEEDED")
            {
                Succeeded++;
            }
            else
            {
                Failed++;
            }

            ClearRecord();
            _job = null;
            Phase = UpdatePhase.Idle;
            _getDue = true; // the next job, if any
        }

        private void Queue(string jobId, string status, string reason, string step, bool terminal)
        {
            Queue(jobId, status, reason, step, string.Empty, terminal);
        }

        private void Queue(string jobId, string status, string reason, string step, string problem, bool terminal)
        {
            _statusJob = jobId;
            _status = status;
            _statusReason = reason;
            _statusStep = step;
            _statusProblem = problem;
            _statusTerminal = terminal;
            _statusDue = jobId.Length > 0;
            Pump();
        }

        private void Pump()
        {
            if (!_inner.IsConnected)
            {
                return;
            }

            int id;
            if (_getDue && _getId == 0)
            {
                // No clientToken: the answer would echo it, and the answer must fit the modem's 1,024 bytes.
                byte[] get = Utf8.GetBytes("{}");
                if (_inner.Publish(_topics.NextGet, get, 0, get.Length, 1, out id) == LinkResult.Ok)
                {
                    _getDue = false;
                    _getId = id;
                }

                return; // a status waits for the answer (its versionNumber)
            }

            if (!_statusDue || _awaitingAnswer || _getId != 0 || _job == null || _job.JobId != _statusJob)
            {
                return;
            }

            string details = "{\"version\":" + JsonText.Quote(RunningVersion)
                + (_statusReason.Length > 0 ? ",\"reason\":" + JsonText.Quote(_statusReason) : string.Empty)
                + (_statusStep.Length > 0 ? ",\"step\":" + JsonText.Quote(_statusStep) : string.Empty)
                + (_statusProblem.Length > 0 ? ",\"problem\":" + JsonText.Quote(_statusProblem) : string.Empty) + "}";
            byte[] body = Utf8.GetBytes("{\"status\":" + JsonText.Quote(_status) + ",\"statusDetails\":" + details
                + ",\"expectedVersion\":" + _executionVersion.ToString() + "}");
            if (_inner.Publish(_topics.Update(_statusJob), body, 0, body.Length, 1, out id) == LinkResult.Ok)
            {
                _awaitingAnswer = true;
                _statusId = id;
            }
        }

        private void DropDownload()
        {
            CloseSource();
            if (_download != null)
            {
                _download.Discard();
                _download = null;
            }
        }

        private void CloseSource()
        {
            if (_source != null)
            {
                _transport.Close(_source);
                _source = null;
                _sourceUrl = string.Empty;
            }
        }

        private void LoadRecord()
        {
            string text;
            int generation;
            string[] values = new string[3];
            if (_record.TryReadNewest(out text, out generation) && KeyValueLines.TryRead(text, RecordKeys, values))
            {
                _recordJob = values[0];
                _recordVersion = values[1];
                _recordPhase = values[2];
            }
        }

        private void SaveRecord(string jobId, string version, string phase)
        {
            // Kept in memory even when the commit fails: this boot acts on it, and the next one repairs it from the boot state.
            int generation;
            string problem;
            _record.Commit("job = " + ConfigLineReader.QuoteValue(jobId) + "\nversion = " + ConfigLineReader.QuoteValue(version) + "\nphase = " + phase + "\n", out generation, out problem);
            _recordJob = jobId;
            _recordVersion = version;
            _recordPhase = phase;
        }

        private void ClearRecord()
        {
            if (_recordJob.Length > 0 || _recordPhase.Length > 0)
            {
                SaveRecord(string.Empty, string.Empty, "none");
                _recordJob = string.Empty;
                _recordVersion = string.Empty;
                _recordPhase = string.Empty;
            }
        }
    }
}
