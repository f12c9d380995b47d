namespace Tracker.Provisioning.Pki;

/// <summary>How <see cref="FleetCa.Create"/> makes a CA.</summary>
public sealed record FleetCaOptions
{
    /// <summary>The CA's common name.</summary>
    public string Name { get; init; } = "iCar Tracker Fleet CA";

    /// <summary>Validity in days from now (1 to 36,500). Every car certificate ends no later than the CA.</summary>
    public int ValidDays { get; init; } = 7300;

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations that protect the key file: 600,000 is OWASP's 2023 figure for
    /// PBKDF2-HMAC-SHA256. Tests lower it to stay fast; the count is stored in the file.
    /// </summary>
    public int KdfIterations { get; init; } = 600_000;

    /// <summary>The name of the IoT policy the JITP template attaches (the cloud stack creates it from <see cref="CaFiles.IotPolicy"/>).</summary>
    public string PolicyName { get; init; } = "tracker-device";

    /// <summary>The moment the CA is made; the current time when null (tests set it).</summary>
    public DateTimeOffset? Now { get; init; }
}
