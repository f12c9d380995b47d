using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.Lambda;
using Constructs;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Infra.Iot;

/// <summary>
/// The IoT Core custom authorizer that lets browsers connect over MQTT over WSS with their Cognito ID
/// token (AWS IoT developer guide, "Custom authentication and authorization"). Signing is disabled: the
/// token is a JWT the function verifies itself against the user pool's keys, and what a connection may
/// read comes from the policy the function returns (Tracker.Cloud.Core's <c>LiveAuthorizer</c>).
/// Browsers name it, and give the token, in the WebSocket upgrade's query string:
/// <c>wss://{endpoint}/mqtt?x-amz-customauthorizer-name={name}&amp;token={ID token}</c>
/// (<see cref="LiveCredentials"/>; a browser can send neither headers nor the ALPN that the user name and
/// password form needs). Naming it in the connection, rather than making it the endpoint's default
/// authorizer, keeps two stages in one account from fighting over the one default.
/// </summary>
public sealed class BrowserLiveAccess : Construct
{
    /// <summary>Creates the authorizer.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="names">The stage's names.</param>
    /// <param name="function">The authorizer function.</param>
    public BrowserLiveAccess(Construct scope, string id, StageNames names, Function function)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(function);
        Authorizer = new CfnAuthorizer(this, "Authorizer", new CfnAuthorizerProps
        {
            AuthorizerName = names.LiveAuthorizer,
            AuthorizerFunctionArn = function.FunctionArn,
            SigningDisabled = true,
            TokenKeyName = LiveCredentials.TokenParameter,
            Status = "ACTIVE",
            EnableCachingForHttp = false,
        });
        function.AddPermission("FromIotAuthorizer", new Permission
        {
            Principal = new ServicePrincipal("iot.amazonaws.com"),
            Action = "lambda:InvokeFunction",
            SourceArn = Authorizer.AttrArn,
            SourceAccount = Stack.Of(this).Account,
        });
    }

    /// <summary>The authorizer.</summary>
    public CfnAuthorizer Authorizer { get; }
}
