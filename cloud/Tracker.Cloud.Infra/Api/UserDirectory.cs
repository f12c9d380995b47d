using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Constructs;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Infra.Api;

/// <summary>
/// The Cognito user pool of operators and renters: no self sign-up (accounts are created by the
/// company), e-mail sign-in, and two groups whose names the API and the live authorizer read from the
/// <c>cognito:groups</c> claim as roles (<see cref="IdentityClaims.ParseRoles"/>). One public app
/// client for the web app (no secret: a browser cannot keep one).
/// </summary>
public sealed class UserDirectory : Construct
{
    /// <summary>The operators' group (role <c>operator</c>).</summary>
    public const string OperatorsGroup = "operators";

    /// <summary>The renters' group (role <c>renter</c>).</summary>
    public const string RentersGroup = "renters";

    /// <summary>Creates the user pool, its groups and the web client.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    public UserDirectory(Construct scope, string id, InfraSettings settings)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        StageNames names = settings.Names;
        Pool = new UserPool(this, "Users", new UserPoolProps
        {
            UserPoolName = names.UserPool,
            SelfSignUpEnabled = false,
            SignInAliases = new SignInAliases { Email = true },
            AutoVerify = new AutoVerifiedAttrs { Email = true },
            AccountRecovery = AccountRecovery.EMAIL_ONLY,
            Mfa = Mfa.OPTIONAL,
            MfaSecondFactor = new MfaSecondFactor { Otp = true, Sms = false },
            PasswordPolicy = new PasswordPolicy
            {
                MinLength = 12,
                RequireDigits = true,
                RequireLowercase = true,
                RequireUppercase = true,
                RequireSymbols = false,
                TempPasswordValidity = Duration.Days(3),
            },
            DeletionProtection = settings.IsProduction,
            RemovalPolicy = settings.IsProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        foreach ((string group, string description) in new[]
        {
            (OperatorsGroup, "Fleet operators: every car, live and history"),
            (RentersGroup, "Renters: their rented car, only while the rental runs"),
        })
        {
            new CfnUserPoolGroup(this, group + "Group", new CfnUserPoolGroupProps
            {
                UserPoolId = Pool.UserPoolId,
                GroupName = group,
                Description = description,
            });
        }

        // The web app signs in with SRP (or user name and password over TLS); its ID token carries
        // cognito:groups and aud, which both the HTTP API's JWT authorizer and the live authorizer check.
        WebClient = Pool.AddClient("WebClient", new UserPoolClientOptions
        {
            UserPoolClientName = names.WebClient,
            GenerateSecret = false,
            AuthFlows = new AuthFlow { UserSrp = true, UserPassword = true },
            DisableOAuth = true,
            PreventUserExistenceErrors = true,
            EnableTokenRevocation = true,
            IdTokenValidity = Duration.Hours(1),
            AccessTokenValidity = Duration.Hours(1),
            RefreshTokenValidity = Duration.Days(30),
        });
    }

    /// <summary>The user pool.</summary>
    public UserPool Pool { get; }

    /// <summary>The web app's client.</summary>
    public UserPoolClient WebClient { get; }

    /// <summary>The pool's token issuer, <c>https://cognito-idp.{region}.amazonaws.com/{poolId}</c>.</summary>
    public string Issuer => "https://cognito-idp." + Stack.Of(this).Region + "." + Stack.Of(this).UrlSuffix + "/" + Pool.UserPoolId;
}
