using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Constructs;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Infra.Api;

/// <summary>
/// The Cognito user pool of operators and renters: no self sign-up (accounts are created by the
/// company), e-mail sign-in, and two groups whose names the API and the live authorizer read from the
/// <c>cognito:groups</c> claim as roles (<see cref="IdentityClaims.ParseRoles"/>). One public app
/// client for the web app (no secret: a browser cannot keep one), which signs in at the pool's hosted
/// UI with the OAuth 2.0 authorization code grant and PKCE (Cognito developer guide, "User pool
/// managed login" and "Authorization endpoint"), back to the web app's own URL
/// (<see cref="AllowWebApp"/>).
/// </summary>
public sealed class UserDirectory : Construct
{
    /// <summary>The operators' group (role <c>operator</c>).</summary>
    public const string OperatorsGroup = "operators";

    /// <summary>The renters' group (role <c>renter</c>).</summary>
    public const string RentersGroup = "renters";

    /// <summary>The scopes the web app asks for: <c>openid</c> for the ID token the API and the live authorizer take, <c>email</c> and <c>profile</c> to show who is signed in.</summary>
    public static readonly IReadOnlyList<string> WebScopes = ["openid", "email", "profile"];

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

        // The hosted UI's domain: a Cognito prefix domain, unique by the account id in it
        // (https://tracker-{stage}-{account}.auth.{region}.amazoncognito.com).
        Domain = Pool.AddDomain("HostedUi", new UserPoolDomainOptions
        {
            CognitoDomain = new CognitoDomainOptions { DomainPrefix = Fn.Join("-", [names.Prefix, Aws.ACCOUNT_ID]) },
        });

        // The web app signs in at the hosted UI (authorization code + PKCE; no implicit grant, which
        // would put tokens in URLs). Its ID token carries cognito:groups and aud, which both the HTTP
        // API's JWT authorizer and the live authorizer check. SRP and password flows stay for tools
        // and the deploy guide's smoke test. The callback and sign-out URL is the web app's, set by
        // AllowWebApp once the distribution exists.
        WebClient = Pool.AddClient("WebClient", new UserPoolClientOptions
        {
            UserPoolClientName = names.WebClient,
            GenerateSecret = false,
            AuthFlows = new AuthFlow { UserSrp = true, UserPassword = true },
            OAuth = new OAuthSettings
            {
                Flows = new OAuthFlows { AuthorizationCodeGrant = true, ImplicitCodeGrant = false, ClientCredentials = false },
                Scopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
            },
            SupportedIdentityProviders = [UserPoolClientIdentityProvider.COGNITO],
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

    /// <summary>The hosted UI's domain.</summary>
    public UserPoolDomain Domain { get; }

    /// <summary>The hosted UI's base URL (<c>/oauth2/authorize</c>, <c>/oauth2/token</c>, <c>/oauth2/revoke</c>, <c>/logout</c> under it).</summary>
    public string HostedUiUrl => Domain.BaseUrl();

    /// <summary>
    /// Names the web app's URL as the client's only callback and sign-out URL: the hosted UI sends the code, and
    /// the browser after sign-out, nowhere else (Cognito refuses any other <c>redirect_uri</c> or <c>logout_uri</c>).
    /// </summary>
    /// <param name="appUrl">The web app, <c>https://{host}/</c>.</param>
    public void AllowWebApp(string appUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(appUrl);
        var client = (CfnUserPoolClient)WebClient.Node.DefaultChild!;
        client.CallbackUrLs = [appUrl];
        client.LogoutUrLs = [appUrl];
    }

    /// <summary>The pool's token issuer, <c>https://cognito-idp.{region}.amazonaws.com/{poolId}</c>.</summary>
    public string Issuer => "https://cognito-idp." + Stack.Of(this).Region + "." + Stack.Of(this).UrlSuffix + "/" + Pool.UserPoolId;
}
