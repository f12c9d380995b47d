using Tracker.Cloud.Local.Options;
using Tracker.Provisioning.Pki;

namespace Tracker.Web.Tests;

/// <summary>
/// One local host for the remote config and updates panels' browser tests (issue 18): no simulated cars (the tests start
/// parked cars with remote configuration and the IoT Jobs agent), and the fleet's code-signing key made by the provisioning
/// tool's own code in the host's CA folder, as `codesign create` does. Its own host: the key must not reach the other
/// browser tests' fleets.
/// </summary>
public sealed class FleetControlFixture : BrowserFixture
{
    /// <summary>The code-signing key's passphrase (test only).</summary>
    public const string SigningPassphrase = "a long code-signing passphrase";

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Host is not null)
        {
            CodeSigning.Create(Host.Pki.FleetCa.Directory, SigningPassphrase, kdfIterations: 1000);
        }
    }

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };
}
