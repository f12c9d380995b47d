namespace Tracker.Cloud.Core.Cars;

/// <summary>What a car is doing, as the API reports it with its latest position and the web app shows it (<see cref="CarRules.StateOf"/>).</summary>
public enum CarState
{
    /// <summary><c>moving</c>: its latest fix is recent and moving (<see cref="Motion.IsMoving"/>).</summary>
    Moving,

    /// <summary><c>stopped</c>: its latest fix is recent and not moving.</summary>
    Stopped,

    /// <summary><c>offline</c>: its latest fix is older than <see cref="CarRules.OfflineAfter"/>.</summary>
    Offline,
}

/// <summary>The stable names of <see cref="CarState"/> values, as the API writes them and the web app reads them.</summary>
public static class CarStateNames
{
    /// <summary>The state's name: <c>moving</c>, <c>stopped</c> or <c>offline</c>.</summary>
    /// <param name="state">The state.</param>
    /// <returns>Its name.</returns>
    public static string Name(CarState state) => state switch
    {
        CarState.Moving => "moving",
        CarState.Stopped => "stopped",
        CarState.Offline => "offline",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a car state"),
    };
}
