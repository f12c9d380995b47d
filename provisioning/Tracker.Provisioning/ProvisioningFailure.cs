namespace Tracker.Provisioning;

/// <summary>Why a provisioning operation refused to act. Each one leaves the disk as it was.</summary>
public enum ProvisioningFailure
{
    /// <summary>An argument is malformed (an endpoint, a port, an APN, a registration code...).</summary>
    InvalidArgument = 1,

    /// <summary>The car id is not a valid AWS IoT thing name (1..128 of a-z A-Z 0-9 : _ -).</summary>
    InvalidCarId,

    /// <summary>There is no fleet CA in the folder (no certificate or no key file).</summary>
    CaMissing,

    /// <summary>The folder already holds a fleet CA (or other files): <c>ca create</c> never overwrites one.</summary>
    CaExists,

    /// <summary>The passphrase does not decrypt the CA's key.</summary>
    WrongPassphrase,

    /// <summary>The passphrase is too short to protect the fleet's key.</summary>
    WeakPassphrase,

    /// <summary>The car already has an active identity (and no rotation was asked for), or its bundle folder exists.</summary>
    DuplicateCar,

    /// <summary>The car has no identity in the ledger (or not the one named).</summary>
    UnknownCar,

    /// <summary>An output folder cannot be created or written.</summary>
    OutputNotWritable,

    /// <summary>The endpoint's root CA file is missing or holds no certificate.</summary>
    BadRootCa,

    /// <summary>The report policy file is missing or is not a valid report.* file.</summary>
    BadPolicy,

    /// <summary>The tracker config the bundle would carry does not load with the device's loader.</summary>
    BadConfig,

    /// <summary>A bundle folder is missing, or a file in it is missing or unreadable.</summary>
    BadBundle,

    /// <summary>The ledger file exists but cannot be read.</summary>
    BadLedger,

    /// <summary>The flashing profile (nanoff.json) is missing or malformed, or a file it names is absent.</summary>
    BadProfile,

    /// <summary>A key would be written inside a git work tree, one <c>git add</c> away from a commit (not without --allow-in-repo).</summary>
    InsideWorkTree,

    /// <summary>A tool the command runs is not installed (nanoff).</summary>
    ToolMissing,

    /// <summary>A file the flashing plan needs is absent (the application image, before it is built).</summary>
    InputMissing,

    /// <summary>No code-signing key in the CA folder (<c>codesign create</c> makes one).</summary>
    SigningKeyMissing,

    /// <summary>A code-signing key exists already; it is never overwritten (the cars trust its public key).</summary>
    SigningKeyExists,

    /// <summary>The image to sign cannot be read, is empty, or its version is not a valid version string.</summary>
    BadImage,
}
