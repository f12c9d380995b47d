namespace Tracker.Provisioning.Pki;

/// <summary>Rules for the CA key's passphrase, and where the CLI looks for it.</summary>
public static class Passphrase
{
    /// <summary>The environment variable that carries the passphrase for scripts. It is never taken from the command line, where it would land in shell history and process listings.</summary>
    public const string EnvironmentVariable = "TRACKER_CA_PASSPHRASE";

    /// <summary>The shortest passphrase <see cref="FleetCa.Create"/> accepts.</summary>
    public const int MinLength = 12;

    /// <summary>Checks a new passphrase.</summary>
    /// <param name="passphrase">The passphrase.</param>
    /// <exception cref="ProvisioningException">Too short (<see cref="ProvisioningFailure.WeakPassphrase"/>).</exception>
    public static void CheckNew(string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        if (passphrase.Length < MinLength)
        {
            throw new ProvisioningException(ProvisioningFailure.WeakPassphrase, $"the CA passphrase needs at least {MinLength} characters");
        }
    }
}
