namespace Tracker.Core.Control
{
    /// <summary>Where the car's job agent stands (<see cref="UpdateAgent"/>).</summary>
    public enum UpdatePhase
    {
        /// <summary>No update job in hand.</summary>
        Idle = 0,

        /// <summary>The image is being downloaded into the staging area.</summary>
        Downloading = 1,

        /// <summary>The verified image is installed and staged as the loader's candidate: the car reboots into it.</summary>
        Switching = 2,

        /// <summary>The new version runs on trial and has not yet confirmed its health.</summary>
        Confirming = 3,

        /// <summary>The job's last status (SUCCEEDED, FAILED or REJECTED) is being reported.</summary>
        Reporting = 4,
    }
}
