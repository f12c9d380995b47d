using Amazon.CDK;
using Tracker.Cloud.Infra;

// The CDK app: `npx cdk synth|diff|deploy -c stage=dev` from this folder runs it (cdk.json).
// `dotnet run --project cloud/Tracker.Cloud.Infra -- cost-model` prints the cost model instead.
if (args is ["cost-model"])
{
    Console.Write(Tracker.Cloud.Infra.CostModel.CostReport.Markdown(Tracker.Cloud.Infra.CostModel.CostAssumptions.Default, Tracker.Cloud.Infra.CostModel.CostPrices.UsEast1));
    return 0;
}

try
{
    var app = new App();
    TrackerApp.Define(app, System.Environment.CurrentDirectory);
    app.Synth();
    return 0;
}
catch (InfraConfigException e)
{
    Console.Error.WriteLine("tracker-infra: " + e.Message);
    return 2;
}
