namespace Tracker.Provisioning;

/// <summary>
/// A provisioning operation refused to act, for a reason the installer can fix. Thrown only after
/// checking and before anything on disk changed (or after undoing what had changed), so the CLI can
/// print <see cref="Exception.Message"/> and exit.
/// </summary>
public sealed class ProvisioningException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">What kind of mistake.</param>
    /// <param name="message">What is wrong and, where possible, what to do.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public ProvisioningException(ProvisioningFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    /// <summary>What kind of mistake.</summary>
    public ProvisioningFailure Failure { get; }

    /// <summary>True when the mistake is in the command line's values (exit code 2) rather than in files or state (exit code 1).</summary>
    public bool IsUsage => Failure is ProvisioningFailure.InvalidArgument or ProvisioningFailure.InvalidCarId or ProvisioningFailure.InsideWorkTree;
}
