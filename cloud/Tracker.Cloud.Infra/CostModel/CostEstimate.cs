namespace Tracker.Cloud.Infra.CostModel;

/// <summary>A month of the fleet under one scenario.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Car">One car's day.</param>
/// <param name="Lines">The cost lines.</param>
/// <param name="Cars">Cars in the fleet.</param>
public sealed record CostEstimate(CostScenario Scenario, CarDay Car, IReadOnlyList<CostLine> Lines, int Cars)
{
    /// <summary>The month's total, USD.</summary>
    public decimal TotalUsd => Lines.Sum(l => l.MonthlyUsd);

    /// <summary>Per car per month, USD.</summary>
    public decimal PerCarUsd => TotalUsd / Cars;
}
