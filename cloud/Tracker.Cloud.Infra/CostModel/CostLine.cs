namespace Tracker.Cloud.Infra.CostModel;

/// <summary>One line of an estimate.</summary>
/// <param name="Service">The AWS service.</param>
/// <param name="Item">What is counted.</param>
/// <param name="Quantity">How much a month, for the whole fleet.</param>
/// <param name="Unit">The unit of <paramref name="Quantity"/>.</param>
/// <param name="MonthlyUsd">Its cost a month.</param>
public sealed record CostLine(string Service, string Item, decimal Quantity, string Unit, decimal MonthlyUsd);
