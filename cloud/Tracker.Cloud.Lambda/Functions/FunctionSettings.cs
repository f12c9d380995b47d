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

    /// <summary>The thresholds' table (<c>/limits</c>, read by the Derive step): optional, and only with the Derive stage's tables.</summary>
    public const string LimitsTableVariable = "TRACKER_LIMITS_TABLE";

    /// <summary>
    /// Issue 17's table (trips, stops, odometer readings: <see cref="DynamoDbTripStore"/>): optional, and only with the Derive
    /// stage's tables. Named, the ingest and tick steps write trips there and the API serves the reports from it.
    /// </summary>
    public const string TripsTableVariable = "TRACKER_TRIPS_TABLE";

    private FunctionSettings(DynamoDbStoreOptions store, DynamoDbDeriveOptions? derive)
    {
        Store = store;
        Derive = derive;
    }

    /// <summary>The DynamoDB store's options.</summary>
    public DynamoDbStoreOptions Store { get; }

    /// <summary>The Derive stage's tables, or null when the environment names none (events off).</summary>
    public DynamoDbDeriveOptions? Derive { get; }

    /// <summary>The thresholds' table, or null when the environment names none (the configured defaults only, no <c>/limits</c>).</summary>
    public string? LimitsTable { get; private init; }

    /// <summary>The trips table, or null when the environment names none (trips kept in the Derive state only, no reports).</summary>
    public string? TripsTable { get; private init; }

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
        string? limits = environment(LimitsTableVariable);
        string? trips = environment(TripsTableVariable);
        if (derive.All(string.IsNullOrWhiteSpace))
        {
            return !string.IsNullOrWhiteSpace(limits)
                ? throw new InvalidOperationException($"environment variable {LimitsTableVariable} is set but the Derive stage's tables are not: the thresholds need {string.Join(", ", DeriveTableVariables)}")
                : !string.IsNullOrWhiteSpace(trips)
                ? throw new InvalidOperationException($"environment variable {TripsTableVariable} is set but the Derive stage's tables are not: trips need {string.Join(", ", DeriveTableVariables)}")
                : new FunctionSettings(store, null);
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

        OptionalTable(LimitsTableVariable, limits, derive);
        OptionalTable(TripsTableVariable, trips, [.. derive, limits]);
        return new FunctionSettings(store, tables)
        {
            LimitsTable = string.IsNullOrWhiteSpace(limits) ? null : limits,
            TripsTable = string.IsNullOrWhiteSpace(trips) ? null : trips,
        };
    }

    private static void OptionalTable(string variable, string? name, string?[] others)
    {
        if (!string.IsNullOrWhiteSpace(name)
            && (name.Length is < 3 or > 255 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
                || others.Contains(name, StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"bad table name in the function's environment ({variable}): a DynamoDB table name of 3 to 255 characters [A-Za-z0-9_.-], not one of the Derive stage's or the thresholds' (got '{name}')");
        }
    }

    private static string Required(Func<string, string?> environment, string name) =>
        EnvironmentVariable.Required(environment, name, "the function needs the DynamoDB table name there");
}
