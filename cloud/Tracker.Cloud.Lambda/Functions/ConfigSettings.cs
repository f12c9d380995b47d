using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What the API function needs to serve issue 18's remote config and group routes on AWS (<see cref="Api.ConfigApi"/>):
/// the account's IoT data endpoint (the shadows), the region, and the control plane (the thing groups). Without
/// <see cref="LiveDisconnectSettings.IotDataEndpointVariable"/> the routes are not served; with it, a missing region or a
/// malformed endpoint fails the start with a message naming the variable.
/// </summary>
public sealed class ConfigSettings
{
    private ConfigSettings(Uri dataEndpoint, Uri controlEndpoint, string region)
    {
        DataEndpoint = dataEndpoint;
        ControlEndpoint = controlEndpoint;
        Region = region;
    }

    /// <summary>The IoT data endpoint (scheme, host, port): the shadows.</summary>
    public Uri DataEndpoint { get; }

    /// <summary>IoT's control plane: the thing groups.</summary>
    public Uri ControlEndpoint { get; }

    /// <summary>The region both are in.</summary>
    public string Region { get; }

    /// <summary>Reads the settings, or null when the data endpoint is not named (the routes are off).</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The settings, or null.</returns>
    /// <exception cref="InvalidOperationException">A variable is missing or malformed; the message names it.</exception>
    public static ConfigSettings? Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrWhiteSpace(environment(LiveDisconnectSettings.IotDataEndpointVariable)))
        {
            return null;
        }

        Uri data = LiveDisconnectSettings.ReadIotDataEndpoint(environment);
        string region = EnvironmentVariable.Required(environment, LiveDisconnectSettings.RegionVariable, "the config routes need it when " + LiveDisconnectSettings.IotDataEndpointVariable + " is set").Trim();
        Uri control = Updates.IotControlPlane.DefaultEndpoint(region);
        if (environment(UpdatesSettings.IotEndpointVariable) is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? given) || given.Scheme is not ("https" or "http") || given.AbsolutePath != "/" || given.Query.Length > 0)
            {
                throw new InvalidOperationException($"environment variable {UpdatesSettings.IotEndpointVariable} = '{text}' is not a bare scheme://host[:port]");
            }

            control = given;
        }

        return new ConfigSettings(data, control, region);
    }
}
