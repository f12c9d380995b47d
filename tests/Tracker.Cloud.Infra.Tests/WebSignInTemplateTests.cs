using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// What the web app needs of the stack to sign in and go live on AWS: the user pool client set up for the hosted UI
/// (authorization code with PKCE, back to the web app only), the hosted UI's domain, the custom authorizer's token key,
/// and the outputs scripts/config-from-stack.mjs turns into config.json.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class WebSignInTemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void WebClient_SignsInAtTheHostedUi_WithTheCodeGrantOnly_BackToTheWebAppOnly()
    {
        JsonObject client = Dev.Single("AWS::Cognito::UserPoolClient");

        Assert.True((bool)client["AllowedOAuthFlowsUserPoolClient"]!);
        Assert.Equal(["code"], Strings(client["AllowedOAuthFlows"]));
        Assert.Equal(["email", "openid", "profile"], Strings(client["AllowedOAuthScopes"]).Order(StringComparer.Ordinal));
        Assert.Equal(["COGNITO"], Strings(client["SupportedIdentityProviders"]));
        Assert.False((bool?)client["GenerateSecret"] ?? false);
        string callback = Assert.Single(List(client["CallbackURLs"]))!.ToJsonString();
        string logout = Assert.Single(List(client["LogoutURLs"]))!.ToJsonString();
        Assert.Equal(callback, logout);
        Assert.Contains("https://", callback, StringComparison.Ordinal);
        Assert.Contains("WebCdn", callback, StringComparison.Ordinal);
        Assert.Contains("DomainName", callback, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", client.ToJsonString(), StringComparison.Ordinal);
        Assert.True((bool)client["EnableTokenRevocation"]!);
    }

    [SynthFact]
    public void HostedUi_HasAPrefixDomainPerStageAndAccount()
    {
        foreach (SynthFixture.Synthesized stage in new[] { synth.Dev, synth.Prod })
        {
            string domain = Text(stage.Single("AWS::Cognito::UserPoolDomain")["Domain"]);
            Assert.Contains(stage.Names.Prefix, domain, StringComparison.Ordinal);
            Assert.Contains("AWS::AccountId", domain, StringComparison.Ordinal);
        }
    }

    [SynthFact]
    public void LiveAuthorizer_ReadsTheTokenFromTheQueryParameterTheAppSends()
    {
        Assert.Equal(LiveCredentials.TokenParameter, (string?)Dev.Single("AWS::IoT::Authorizer")["TokenKeyName"]);
    }

    [SynthFact]
    public void Outputs_GiveWhatConfigFromStackReads_AndTheDeployGuideSaysHow()
    {
        JsonObject outputs = Dev.Json["Outputs"]!.AsObject();
        string script = File.ReadAllText(Path.Combine(Repository.Root, "cloud", "Tracker.Cloud.Web", "scripts", "config-from-stack.mjs"));
        string guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "aws", "deploy.md"));

        foreach (string name in new[] { "WebUrl", "HostedUiUrl", "UserPoolClientId", "LiveAuthorizerName", "LiveAuthorizerTokenKey", "CarRules" })
        {
            Assert.True(outputs.ContainsKey(name), "missing output " + name);
            Assert.Contains("'" + name + "'", script, StringComparison.Ordinal);
        }

        Assert.Equal(LiveCredentials.TokenParameter, (string?)outputs["LiveAuthorizerTokenKey"]!["Value"]);
        Assert.Equal(Tracker.Cloud.Core.Cars.CarRules.Default.ToJson(), (string?)outputs["CarRules"]!["Value"]);
        Assert.Contains("config-from-stack.mjs", guide, StringComparison.Ordinal);
        Assert.Contains("--outputs-file", guide, StringComparison.Ordinal);
    }
}
