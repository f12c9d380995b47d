using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What a deployed function needs from its environment: the three table names the CDK stack
/// passes as environment variables. Each is required (no silent defaults for table names) and a
/// missing or bad one fails the function's start with a message naming the variable.
/// </summary>
public sealed class FunctionSettings
{
    /// <summary>Environment variable holding the fixes table name.</summary>
    public const string FixesTableVariable = "TRACKER_FIXES_TABLE";

    /// <summary>Environment variable holding the latest-position table name.</summary>
    public const string LatestTableVariable = "TRACKER_LATEST_TABLE";

    /// <summary>Environment variable holding the rentals table name.</summary>
    public const string RentalsTableVariable = "TRACKER_RENTALS_TABLE";

    /// <summary>Environment variables of the Derive stage's tables: all four, or none (the stage is then off).</summary>
    public static readonly IReadOnlyList<string> DeriveTableVariables =
        ["TRACKER_DERIVE_STATE_TABLE", "TRACKER_EVENTS_TABLE", "TRACKER_STATUSES_TABLE", "TRACKER_ZONES_TABLE"];

    private FunctionSettings(DynamoDbStoreOptions store, DynamoDbDeriveOptions? derive)
    {
        Store = store;
        Derive = derive;
    }

    /// <summary>The DynamoDB store's options.</summary>
    public DynamoDbStoreOptions Store { get; }

    /// <summary>The Derive stage's tables, or null when the environment names none (events off).</summary>
    public DynamoDbDeriveOptions? Derive { get; }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="environment">Looks up a variable (the process environment in Lambda; a dictionary in tests).</param>
    /// <exception cref="InvalidOperationException">A variable is missing or not a valid table name; the message names it.</exception>
    public static FunctionSettings Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var store = new DynamoDbStoreOptions
        {
            FixesTable = Required(environment, FixesTableVariable),
            LatestTable = Required(environment, LatestTableVariable),
            RentalsTable = Required(environment, RentalsTableVariable),
        };
        try
        {
            store.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"bad table name in the function's environment ({FixesTableVariable}, {LatestTableVariable}, {RentalsTableVariable}): {e.Message}", e);
        }

        string?[] derive = DeriveTableVariables.Select(v => environment(v)).ToArray();
        if (derive.All(string.IsNullOrWhiteSpace))
        {
            return new FunctionSettings(store, null);
        }

        for (int i = 0; i < derive.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(derive[i]))
            {
                throw new InvalidOperationException($"environment variable {DeriveTableVariables[i]} is not set: the Derive stage needs all of {string.Join(", ", DeriveTableVariables)}, or none");
            }
        }

        var tables = new DynamoDbDeriveOptions { DeriveStateTable = derive[0]!, EventsTable = derive[1]!, StatusesTable = derive[2]!, ZonesTable = derive[3]! };
        try
        {
            tables.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"bad table name in the function's environment ({string.Join(", ", DeriveTableVariables)}): {e.Message}", e);
        }

        return new FunctionSettings(store, tables);
    }

    private static string Required(Func<string, string?> environment, string name) =>
        EnvironmentVariable.Required(environment, name, "the function needs the DynamoDB table name there");
}
