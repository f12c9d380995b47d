using System.Text.RegularExpressions;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What the live-disconnect function (and the live authorizer, for <see cref="GrantsTableVariable"/>) needs from its
/// environment: the grants table, the account's IoT data endpoint, and the region Lambda sets. Each is required; a
/// missing or bad one fails the start with a message naming the variable.
/// </summary>
public sealed partial class LiveDisconnectSettings
{
    /// <summary>Environment variable holding the live grants table's name (<c>Live/LiveGrantLog</c>).</summary>
    public const string GrantsTableVariable = "TRACKER_LIVE_GRANTS_TABLE";

    /// <summary>Environment variable holding the IoT data endpoint URL, <c>https://{prefix}-ats.iot.{region}.amazonaws.com</c>.</summary>
    public const string IotDataEndpointVariable = "TRACKER_IOT_DATA_ENDPOINT";

    /// <summary>The region, which Lambda sets for every function.</summary>
    public const string RegionVariable = "AWS_REGION";

    private LiveDisconnectSettings(string grantsTable, Uri endpoint, string region)
    {
        GrantsTable = grantsTable;
        IotDataEndpoint = endpoint;
        Region = region;
    }

    /// <summary>The grants table.</summary>
    public string GrantsTable { get; }

    /// <summary>The IoT data endpoint (scheme, host, port).</summary>
    public Uri IotDataEndpoint { get; }

    /// <summary>The region the endpoint is in (the signature's scope).</summary>
    public string Region { get; }

    /// <summary>Reads and validates the grants table's name alone (the live authorizer's need).</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The table name.</returns>
    /// <exception cref="InvalidOperationException">Missing or not a table name.</exception>
    public static string ReadGrantsTable(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string table = Required(environment, GrantsTableVariable);
        if (!TableName().IsMatch(table))
        {
            throw new InvalidOperationException($"environment variable {GrantsTableVariable} = '{table}' is not a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ - .)");
        }

        return table;
    }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A variable is missing or invalid; the message names it.</exception>
    public static LiveDisconnectSettings Read(Func<string, string?> environment)
    {
        string table = ReadGrantsTable(environment);
        Uri uri = ReadIotDataEndpoint(environment);
        string region = Required(environment, RegionVariable);
        return new LiveDisconnectSettings(table, uri, region);
    }

    /// <summary>Reads and validates the IoT data endpoint (also the live event feed's, <see cref="LiveEventFeed"/>).</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="InvalidOperationException">Missing or not a bare http(s)://host URL.</exception>
    public static Uri ReadIotDataEndpoint(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string endpoint = Required(environment, IotDataEndpointVariable);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"environment variable {IotDataEndpointVariable} = '{endpoint}' is not a bare https://host URL (aws iot describe-endpoint --endpoint-type iot:Data-ATS)");
        }

        return uri;
    }

    private static string Required(Func<string, string?> environment, string name) =>
        EnvironmentVariable.Required(environment, name, "the live-disconnect path needs it (the CDK stack sets it)").Trim();

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,255}$")]
    private static partial Regex TableName();
}
